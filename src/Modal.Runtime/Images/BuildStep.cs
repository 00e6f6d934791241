namespace Modal.Images;

/// <summary>
/// One step of an image recipe as the builder runs it: a recipe step of the manifest, or one instruction of a
/// Dockerfile translated to the same vocabulary. Its layer is cached under a key made of the parent's key, this
/// definition and, for copied files, a hash of their content.
/// </summary>
/// <param name="Kind">An <see cref="ImageStepKinds"/> value, or one of the builder's own kinds below.</param>
/// <param name="Args">The step's arguments, as in the manifest.</param>
/// <param name="ForceBuild">Rebuild this step (and every step after it) even when its layer is cached.</param>
/// <param name="Origin">Where the step comes from, for messages: e.g. <c>Dockerfile line 4</c>.</param>
internal sealed record BuildStep(string Kind, IReadOnlyList<string> Args, bool ForceBuild = false, string? Origin = null)
{
    /// <summary>A Dockerfile <c>RUN</c> in exec form, or under a <c>SHELL</c>: the arguments are the full argv.</summary>
    public const string RunExec = "run_exec";

    /// <summary>An image configuration change (<c>LABEL</c>, <c>EXPOSE</c>, <c>USER</c>, <c>CMD</c>) in Dockerfile syntax.</summary>
    public const string Config = "config";

    /// <summary>For a <c>RunFunction</c> step: the function it runs, resolved from the app's manifest.</summary>
    public FunctionRun? Run { get; init; }

    /// <summary>True for the steps that start a recipe.</summary>
    public bool IsBase => Kind is ImageStepKinds.DebianSlim or ImageStepKinds.FromRegistry;

    /// <summary>True for <c>AddLocalDir</c>/<c>AddLocalFile</c> without <c>copy: true</c>: mounted at start, not a layer.</summary>
    public bool IsMount =>
        Kind is ImageStepKinds.AddLocalDir or ImageStepKinds.AddLocalFile && (Args.Count < 3 || Args[2] != "copy");

    /// <summary>The step as a user would recognise it, e.g. <c>apt_install curl git</c>.</summary>
    public string Describe()
    {
        var text = Args.Count == 0 ? Kind : $"{Kind} {string.Join(' ', Args)}";
        text = text.ReplaceLineEndings(" ");
        return text.Length > 120 ? text[..117] + "..." : text;
    }
}
