using Modal.Manifest;

namespace Modal.Auth;

/// <summary>
/// Settings server mode honours itself, whatever the backend: secrets and placement become environment variables, and
/// RestrictModalAccess is enforced by the auth interceptor, and
/// schedules are run by the schedule runner. Backends validate a manifest without them.
/// </summary>
internal static class PlatformSettings
{
    public static IReadOnlyList<FunctionManifest> WithoutPlatformSettings(IReadOnlyList<FunctionManifest> functions) =>
        functions.Select(f => f with { Secrets = null, Region = null, Cloud = null, RestrictModalAccess = null, Schedule = null }).ToList();
}
