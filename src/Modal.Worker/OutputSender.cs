using System.Threading.Channels;
using Modal.Protocol;

namespace Modal.Worker;

/// <summary>
/// Sends outputs with ContainerPutOutputs from one loop. Outputs that finish while a send is in flight go together in
/// the next request, so a busy container makes few large calls instead of one call per input.
/// </summary>
internal sealed class OutputSender
{
    private const int MaxOutputsPerRequest = 1_000;

    // Servers keep gRPC's default 4 MiB message limit; one inline output is at most 2 MiB, so requests stay under 3 MiB
    // unless a single output needs more on its own.
    private const int MaxRequestBytes = 3 * 1024 * 1024;

    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    private readonly ContainerClient _client;
    private readonly Action<Exception> _onFatal;
    private readonly Channel<ContainerOutput> _outputs = Channel.CreateUnbounded<ContainerOutput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public OutputSender(ContainerClient client, Action<Exception> onFatal)
    {
        _client = client;
        _onFatal = onFatal;
        _loop = Task.Run(SendLoopAsync);
    }

    public void Enqueue(ContainerOutput output) => _outputs.Writer.TryWrite(output);

    /// <summary>Sends what is queued, then stops.</summary>
    public async Task CompleteAsync()
    {
        _outputs.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task SendLoopAsync()
    {
        var reader = _outputs.Reader;
        ContainerOutput? carried = null;
        while (carried is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var request = new ContainerPutOutputsRequest { TaskId = _client.TaskId };
            var bytes = 0;
            if (carried is not null)
            {
                request.Outputs.Add(carried);
                bytes += carried.CalculateSize();
                carried = null;
            }

            while (request.Outputs.Count < MaxOutputsPerRequest && reader.TryRead(out var output))
            {
                var size = output.CalculateSize();
                if (request.Outputs.Count > 0 && bytes + size > MaxRequestBytes)
                {
                    carried = output;
                    break;
                }

                request.Outputs.Add(output);
                bytes += size;
            }

            if (!await SendAsync(request).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<bool> SendAsync(ContainerPutOutputsRequest request)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _client.PutOutputsAsync(request, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (ModalException ex) when (attempt < RetryDelays.Length && ex is not (AuthError or NotFoundError or InvalidError))
            {
                await Task.Delay(RetryDelays[attempt]).ConfigureAwait(false);
            }
            catch (ModalException ex)
            {
                _onFatal(ex);
                return false;
            }
        }
    }
}
