namespace Modal.Images;

/// <summary>
/// What a <c>RunFunction</c> step runs: a function of the app, found in its manifest, run once with no arguments by the
/// worker in a container of the image built so far. Its layer's cache key covers all of this and the content of the
/// app's build output, so rebuilding the app with changes reruns the function.
/// </summary>
/// <param name="Name">The function's name, as the recipe gives it.</param>
/// <param name="EntryKey">The key the app's generated registry runs it by.</param>
/// <param name="ArtifactDir">The app's build output folder, mounted read-only at the same path.</param>
/// <param name="AssemblyFile">The app's assembly within that folder.</param>
/// <param name="Secrets">The function's secrets, whose variables the build container gets (later ones winning).</param>
/// <param name="Timeout">How long the function may run before the build fails.</param>
internal sealed record FunctionRun(string Name, string EntryKey, string ArtifactDir, string AssemblyFile, IReadOnlyList<string> Secrets, TimeSpan Timeout);
