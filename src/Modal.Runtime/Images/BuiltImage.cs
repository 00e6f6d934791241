namespace Modal.Images;

/// <summary>An image ready to run: the engine's image id and what containers of it mount at start.</summary>
public sealed record BuiltImage
{
    /// <summary>The engine's image id (<c>sha256:…</c>), which containers are created from.</summary>
    public required string ImageId { get; init; }

    /// <summary>The platform's id of the image, <c>im-…</c>, given to containers as <c>MODAL_IMAGE_ID</c>.</summary>
    public string ModalImageId => "im-" + ImageId.Replace("sha256:", "", StringComparison.Ordinal)[..Math.Min(24, ImageId.Length - 7)];

    /// <summary>The cache key of the last layer.</summary>
    public required string LayerKey { get; init; }

    /// <summary><c>AddLocalDir</c>/<c>AddLocalFile</c> steps without <c>copy: true</c>, bound at container start.</summary>
    public IReadOnlyList<ImageMount> Mounts { get; init; } = [];

    /// <summary>Every step, in order, with whether it came from the cache.</summary>
    public IReadOnlyList<BuiltStep> Steps { get; init; } = [];

    /// <summary>Time the whole build took.</summary>
    public TimeSpan Duration { get; init; }
}
