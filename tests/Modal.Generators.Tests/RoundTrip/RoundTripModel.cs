namespace Modal.Generators.Tests.RoundTrip;

/// <summary>A [Cls] class compiled by the real generator: parameters of several kinds, sync and async hooks, methods.</summary>
[Cls(Timeout = 30, MaxContainers = 3)]
[Concurrent(MaxInputs = 2)]
public class RoundTripModel
{
    [Parameter]
    public string Version { get; set; } = "v1";

    [Parameter]
    public int Scale { get; set; } = 2;

    [Parameter]
    public Color Tint { get; set; } = Color.Blue;

    public List<string> Events { get; } = [];

    [Enter]
    public void Load() => Events.Add("load");

    [Enter]
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        Events.Add("warm");
    }

    [Exit]
    public void Unload() => Events.Add("unload");

    [Method]
    public int Predict(int x) => x * Scale;

    [Method]
    public async Task<string> DescribeAsync()
    {
        await Task.Yield();
        return $"{Version}:{Scale}:{Tint}";
    }
}
