namespace Modal.Generators;

/// <summary>Tracking names of the pipeline stages, so tests can check which stages a change re-ran.</summary>
internal static class StepNames
{
    public const string Apps = nameof(Apps);
    public const string Functions = nameof(Functions);
    public const string Entrypoints = nameof(Entrypoints);
    public const string Classes = nameof(Classes);
    public const string AssemblyName = nameof(AssemblyName);
    public const string Generation = nameof(Generation);
}
