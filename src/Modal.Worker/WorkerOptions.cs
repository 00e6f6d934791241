namespace Modal.Worker;

/// <summary>What the backend tells a worker through its environment.</summary>
internal sealed record WorkerOptions
{
    public required Uri ServerUrl { get; init; }

    public required string TaskId { get; init; }

    public required string TaskToken { get; init; }

    public string Environment { get; init; } = "main";

    /// <summary>
    /// Exit when stdin reaches end-of-file: the local backend holds the write end, so its death (even by kill -9) closes
    /// it. Backends whose containers have no stdin (a detached Docker container) set MODAL_WORKER_WATCH_STDIN=0.
    /// </summary>
    public bool WatchStdin { get; init; } = true;

    /// <summary>Platform diagnostics beyond errors (MODAL_WORKER_VERBOSE=1).</summary>
    public bool Verbose { get; init; }

    public static WorkerOptions FromEnvironment()
    {
        static string Required(string name) =>
            System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
                ? value
                : throw new InvalidError($"{name} is not set. Modal.Worker is started by a Modal backend, which sets MODAL_SERVER_URL, MODAL_TASK_ID and MODAL_TASK_TOKEN.");

        var url = Required("MODAL_SERVER_URL");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var serverUrl))
        {
            throw new InvalidError($"MODAL_SERVER_URL '{url}' is not an absolute URL such as http://127.0.0.1:7000.");
        }

        return new WorkerOptions
        {
            ServerUrl = serverUrl,
            TaskId = Required("MODAL_TASK_ID"),
            TaskToken = Required("MODAL_TASK_TOKEN"),
            Environment = System.Environment.GetEnvironmentVariable("MODAL_ENVIRONMENT") is { Length: > 0 } env ? env : "main",
            WatchStdin = System.Environment.GetEnvironmentVariable("MODAL_WORKER_WATCH_STDIN") is not ("0" or "false"),
            Verbose = System.Environment.GetEnvironmentVariable("MODAL_WORKER_VERBOSE") is "1" or "true",
        };
    }
}
