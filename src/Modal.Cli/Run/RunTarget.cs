using Modal.Manifest;

namespace Modal.Cli.Run;

/// <summary>
/// What <c>modal run</c> runs, from <c>&lt;project|dll&gt;[::Name]</c> and the app's manifest: the app's
/// <c>[LocalEntrypoint]</c> program, or one function called remotely. As in the reference, <c>::Name</c> picks an
/// entrypoint or a function (optionally written <c>App.Name</c>), and with no name an app without an entrypoint whose
/// only function is that one runs it.
/// </summary>
internal sealed record RunTarget(EntrypointManifest? Entrypoint, FunctionManifest? Function)
{
    /// <summary>Splits <c>path::Name</c>; the name is null when there is no <c>::</c>.</summary>
    public static (string Path, string? Name) Split(string target)
    {
        var separator = target.IndexOf("::", StringComparison.Ordinal);
        if (separator < 0)
        {
            return (target, null);
        }

        var name = target[(separator + 2)..];
        if (name.Length == 0)
        {
            throw new InvalidError($"'{target}' names no function after '::'; write <app>::Function, e.g. samples/Hello::Square.");
        }

        return (target[..separator], name);
    }

    public static RunTarget Resolve(AppManifest manifest, string? name)
    {
        var functions = manifest.Functions.Where(f => f.Kind == "function").ToList();
        if (name is null)
        {
            if (manifest.Entrypoints.Count > 0)
            {
                return new RunTarget(manifest.Entrypoints[0], null);
            }

            return functions.Count == 1
                ? new RunTarget(null, functions[0])
                : throw new InvalidError(
                    $"App '{manifest.App}' has no [LocalEntrypoint] and {functions.Count} functions, so `modal run` cannot tell what to run. " +
                    $"Name one: `modal run <app>::Name`, where Name is one of {List(manifest)}.");
        }

        var wanted = StripAppPrefix(manifest, name);
        if (manifest.Entrypoints.FirstOrDefault(e => e.Name == wanted) is { } entrypoint)
        {
            return new RunTarget(entrypoint, null);
        }

        if (manifest.Functions.FirstOrDefault(f => f.Name == wanted) is { } function)
        {
            return function.Kind == "function"
                ? new RunTarget(null, function)
                : throw new InvalidError(
                    $"'{wanted}' is a [Cls] class of app '{manifest.App}'; `modal run` calls functions and entrypoints only. " +
                    "Call its methods from a [LocalEntrypoint].");
        }

        throw new NotFoundError($"App '{manifest.App}' has no function or [LocalEntrypoint] named '{wanted}'. Its entrypoints and functions: {List(manifest)}.");
    }

    /// <summary><c>hello.Square</c> and <c>Hello.Square</c> (the app's name, or its class) both mean <c>Square</c>.</summary>
    private static string StripAppPrefix(AppManifest manifest, string name)
    {
        var dot = name.LastIndexOf('.');
        if (dot <= 0)
        {
            return name;
        }

        var prefix = name[..dot];
        var appClasses = manifest.Functions
            .Where(f => f.Kind == "function" && f.EntryKey.LastIndexOf('.') > 0)
            .Select(f => f.EntryKey[..f.EntryKey.LastIndexOf('.')])
            .SelectMany(type => new[] { type, type[(type.LastIndexOf('.') + 1)..] });
        return prefix == manifest.App || appClasses.Contains(prefix, StringComparer.Ordinal) ? name[(dot + 1)..] : name;
    }

    private static string List(AppManifest manifest)
    {
        var names = manifest.Entrypoints.Select(e => e.Name + " (entrypoint)")
            .Concat(manifest.Functions.Where(f => f.Kind == "function").Select(f => f.Name));
        var list = string.Join(", ", names);
        return list.Length == 0 ? "(none)" : list;
    }
}
