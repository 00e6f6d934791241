namespace Modal.Runtime.Tests.Support;

/// <summary>
/// Tests that measure process-wide figures (allocated bytes, working set) run alone, after the parallel ones: another
/// test running beside them would count in their figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredCollection
{
    public const string Name = "measured";
}
