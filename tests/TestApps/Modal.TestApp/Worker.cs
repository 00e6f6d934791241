namespace Modal.TestApp;

/// <summary>What the functions of the test app report about the container they ran in.</summary>
internal static class Worker
{
    /// <summary>The container task (<c>ta-…</c>) running this code; tests count containers by it.</summary>
    public static string TaskId => Environment.GetEnvironmentVariable("MODAL_TASK_ID") ?? "local";
}
