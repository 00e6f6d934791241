// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0).
namespace Modal.Rules
{
    /// <summary>
    /// One broken configuration rule: the diagnostic ID the analyzers report it under, and a message that says what is
    /// wrong and what is allowed. The runtime raises the same message as an InvalidError.
    /// </summary>
    public sealed class RuleViolation
    {
        public RuleViolation(string id, string message)
        {
            Id = id;
            Message = message;
        }

        public string Id { get; }

        public string Message { get; }

        public override string ToString() => Id + ": " + Message;
    }
}
