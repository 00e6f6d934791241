using Modal.Manifest;

namespace Modal.Auth;

/// <summary>
/// Settings server mode honours itself, whatever the backend: secrets and placement become environment variables, and
/// RestrictModalAccess is enforced by the auth interceptor, and
/// schedules are run by the schedule runner. Backends validate a manifest without them.
/// </summary>
internal static class PlatformSettings
{
    /// <summary>
    /// What a backend validates: without the platform's own settings in server mode; without secrets alone for an
    /// embedded control plane, which injects secrets the app binds (and refuses the rest of these settings by backend).
    /// </summary>
    public static IReadOnlyList<FunctionManifest> ForBackend(IReadOnlyList<FunctionManifest> functions, bool serverMode) =>
        serverMode ? WithoutPlatformSettings(functions) : functions.Select(f => f with { Secrets = null }).ToList();

    public static IReadOnlyList<FunctionManifest> WithoutPlatformSettings(IReadOnlyList<FunctionManifest> functions) =>
        functions.Select(f => f with { Secrets = null, Region = null, Cloud = null, RestrictModalAccess = null, Schedule = null }).ToList();
}
