namespace Modal;

/// <summary>Raised when code asks for a GPU that this container does not have. The message says how to get one.</summary>
public sealed class GpuUnavailableException : InvalidOperationException
{
    public GpuUnavailableException(string message)
        : base(message)
    {
    }

    public GpuUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
