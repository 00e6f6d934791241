// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0).
namespace Modal.Rules
{
    /// <summary>
    /// IDs of the configuration rules in <see cref="SettingRules"/>. The generator's own diagnostics use MODAL001-MODAL049;
    /// configuration rules use MODAL050 and up, so the two ranges never collide. Each ID has a page under docs/diagnostics/.
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
    }
}
