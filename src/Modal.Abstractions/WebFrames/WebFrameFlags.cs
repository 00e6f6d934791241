namespace Modal.WebFrames;

/// <summary>Flags of a web frame.</summary>
[Flags]
public enum WebFrameFlags : byte
{
    None = 0,

    /// <summary>On a head or data frame: the sender's body of this stream ends here (a head with it has no body).</summary>
    EndStream = 1,
}
