// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0).
namespace Modal.Rules
{
    /// <summary>
    /// IDs of the configuration rules in <see cref="SettingRules"/> and <see cref="FunctionRules"/>. The generator's own
    /// diagnostics use MODAL001-MODAL049; configuration rules use MODAL050 and up, so the two ranges never collide. The
    /// analyzers' DiagnosticIds mirror these constants, and each ID has a page under docs/diagnostics/.
    /// </summary>
    public static class RuleIds
    {
        public const string InvalidGpu = "MODAL050";
        public const string InvalidCpu = "MODAL051";
        public const string InvalidMemory = "MODAL052";
        public const string InvalidEphemeralDisk = "MODAL053";
        public const string InvalidAutoscaler = "MODAL054";
        public const string InvalidTimeout = "MODAL055";
        public const string InvalidRetries = "MODAL056";
        public const string InvalidConcurrency = "MODAL057";
        public const string InvalidBatching = "MODAL058";
        public const string InvalidSchedule = "MODAL059";
        public const string InvalidFunctionName = "MODAL060";
        public const string InvalidCluster = "MODAL061";
        public const string InvalidVolume = "MODAL062";
        public const string RetriesNotAllowed = "MODAL063";
        public const string InvalidBatchedFunction = "MODAL064";
        public const string ScheduledFunctionHasParameters = "MODAL065";
        public const string ConcurrentOnClassMethod = "MODAL066";
        public const string BatchedClassHasOtherMethods = "MODAL067";
        public const string InvalidMaxInputs = "MODAL068";

        /// <summary>
        /// The generator reports a duplicate name while it builds the app (MODAL012); the runtime's manifest check
        /// reports it under the same ID.
        /// </summary>
        public const string DuplicateFunctionName = "MODAL012";
    }
}
