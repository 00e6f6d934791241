using Modal.Auth;
using Modal.Backends;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Secrets;

/// <summary>
/// The secrets of an embedded control plane: it stores none, so every secret name a function lists must be bound by
/// the app's client to values (<see cref="Secret.FromDict"/>, <see cref="Secret.FromDotenv"/>). They become the
/// container's environment variables in list order, later ones winning.
/// </summary>
internal sealed class BoundSecretEnvironment : IContainerEnvironmentSource
{
    public void Validate(string appName, IReadOnlyList<FunctionManifest> functions, IReadOnlyList<BoundSecret> boundSecrets) =>
        ValidateBindings(appName, functions, boundSecrets, requireAll: true);

    public ValueTask<IReadOnlyDictionary<string, string>> GetEnvironmentAsync(ContainerSpec spec, string environment, IReadOnlyList<BoundSecret> boundSecrets, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in spec.Function?.Secrets ?? [])
        {
            var binding = boundSecrets.LastOrDefault(b => b.Name == name && string.IsNullOrEmpty(b.FromName))
                ?? throw new InvalidError(Unbound(spec.AppName, name));
            foreach (var (key, value) in binding.Values)
            {
                variables[key] = value;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(variables);
    }

    /// <summary>
    /// A binding must name a secret some function lists (a typo would otherwise go unnoticed); with
    /// <paramref name="requireAll"/> (no stored secrets to fall back on) every listed name must be bound to values.
    /// </summary>
    internal static void ValidateBindings(string appName, IReadOnlyList<FunctionManifest> functions, IReadOnlyList<BoundSecret> boundSecrets, bool requireAll)
    {
        var listed = functions.SelectMany(f => f.Secrets ?? []).ToHashSet(StringComparer.Ordinal);
        foreach (var binding in boundSecrets)
        {
            if (!listed.Contains(binding.Name))
            {
                throw new InvalidError(
                    $"Secret '{binding.Name}' is bound for app '{appName}', but none of its functions lists it in Secrets " +
                    $"({(listed.Count == 0 ? "they list none" : "they list " + string.Join(", ", listed.Order(StringComparer.Ordinal)))}). " +
                    "Bind the names the functions use, or add the name to the function's Secrets.");
            }

            if (requireAll && !string.IsNullOrEmpty(binding.FromName))
            {
                throw new InvalidError(
                    $"Secret '{binding.Name}' of app '{appName}' is bound to the stored secret '{binding.FromName}', but an embedded control plane " +
                    "stores no secrets. Bind it with Secret.FromDict or Secret.FromDotenv, or run against a `modal server`.");
            }
        }

        if (requireAll && listed.FirstOrDefault(name => !boundSecrets.Any(b => b.Name == name)) is { } missing)
        {
            throw new InvalidError(Unbound(appName, missing));
        }
    }

    private static string Unbound(string appName, string name) =>
        $"Function secret '{name}' of app '{appName}' has no values: an embedded control plane stores no secrets, so the app must bind it, " +
        $"e.g. new ModalOptions {{ Secrets = {{ [\"{name}\"] = Secret.FromDotenv() }} }}; or run against a `modal server` that has it " +
        $"(`modal secret create {name} KEY=VALUE ...`).";
}
