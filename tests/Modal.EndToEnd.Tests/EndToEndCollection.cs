namespace Modal.EndToEnd.Tests;

/// <summary>
/// Every end-to-end class runs in this one collection, one class at a time: generated handles call through the
/// process-wide <see cref="AppRun.Current"/>, so two apps started side by side would take each other's calls.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
