// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0).
namespace Modal.Rules
{
    /// <summary>
    /// One broken configuration rule: the diagnostic ID the analyzers report it under, and a message that says what is
    /// wrong and what is allowed. The runtime raises the same message as an InvalidError.
    /// </summary>
    public sealed class RuleViolation
    {
        public RuleViolation(string id, string message, string? setting = null, string? suggestion = null, string? function = null)
        {
            Id = id;
            Message = message;
            Setting = setting;
            Suggestion = suggestion;
            Function = function;
        }

        public string Id { get; }

        public string Message { get; }

        /// <summary>
        /// The setting at fault, as <c>Attribute.Member</c> (for example <c>Function.Gpu</c>, <c>Retries.MaxDelay</c>,
        /// <c>Volume[1].MountPath</c>); the analyzers put the diagnostic on the argument that wrote it.
        /// </summary>
        public string? Setting { get; }

        /// <summary>The corrected value when exactly one fix is likely (a misspelt GPU type); a code fix applies it.</summary>
        public string? Suggestion { get; }

        /// <summary>The function the violation belongs to, set when a whole manifest is checked.</summary>
        public string? Function { get; }

        /// <summary>The same violation, attributed to <paramref name="function"/>.</summary>
        public RuleViolation ForFunction(string function) => new RuleViolation(Id, Message, Setting, Suggestion, function);

        public override string ToString() => Function is null ? Id + ": " + Message : Id + ": function '" + Function + "': " + Message;
    }
}
