using Modal.Manifest;

namespace Modal.Images;

/// <summary>The app an image is built for, which <c>RunFunction</c> steps run a function of.</summary>
/// <param name="AssemblyFile">The file name of the app's assembly in its build output folder.</param>
/// <param name="Functions">The app's functions, as its manifest lists them.</param>
public sealed record ImageApp(string AssemblyFile, IReadOnlyList<FunctionManifest> Functions);
