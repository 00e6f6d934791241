namespace Modal.Images;

/// <summary>
/// How a build container that runs the worker (a <c>RunFunction</c> step) differs from one that runs a shell step: it
/// goes through the image's entrypoint, gets the .NET runtime, the worker and the app mounted, a task on stdin, and a
/// time limit.
/// </summary>
/// <param name="Description">The step as messages name it, e.g. <c>RunFunction("Download")</c>.</param>
/// <param name="Task">The worker's task, one line written to its stdin: secrets travel there, not in the container's
/// environment, which Docker would fold into the committed image.</param>
/// <param name="Binds">Docker bind specifications (<c>host:container:ro</c>).</param>
/// <param name="Timeout">How long the container may run before it is stopped and the build fails.</param>
internal sealed record FunctionContainer(string Description, byte[] Task, IReadOnlyList<string> Binds, TimeSpan Timeout);
