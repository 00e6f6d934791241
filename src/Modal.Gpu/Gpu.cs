namespace Modal;

/// <summary>Access to this container's GPUs from inside a function: <c>var acc = Gpu.Current.Accelerator;</c>.</summary>
public static class Gpu
{
    private static readonly object Gate = new();
    private static GpuContext? current;

    /// <summary>
    /// The container's <see cref="GpuContext"/>, created on first use and shared by every input. It needs a CUDA device:
    /// without one it throws <see cref="GpuUnavailableException"/> saying how to request a GPU.
    /// </summary>
    public static GpuContext Current
    {
        get
        {
            lock (Gate)
            {
                // A failed creation is not cached, so a later call reports the same clear error instead of a stale object.
                return current ??= GpuContext.Create(allowCpuFallback: false);
            }
        }
    }

    /// <summary>Disposes <see cref="Current"/> if it was created. The worker calls this when the container stops.</summary>
    public static void DisposeCurrent()
    {
        GpuContext? toDispose;
        lock (Gate)
        {
            toDispose = current;
            current = null;
        }

        toDispose?.Dispose();
    }
}
