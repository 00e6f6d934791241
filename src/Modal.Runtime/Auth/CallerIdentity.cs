namespace Modal.Auth;

/// <summary>Who made an API call: a user token of a workspace, or a container acting for its own task.</summary>
internal sealed record CallerIdentity(string Workspace, string TokenId, string? TaskId = null)
{
    /// <summary>The key under which the auth interceptor leaves the identity for the services.</summary>
    public const string ContextKey = "modal-caller";
}
