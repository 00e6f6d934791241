// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0):
// keep it to language features and APIs both targets have.
namespace Modal.Rules
{
    /// <summary>The platform's defaults and limits, from the reference. One place for the generator, analyzers and runtime.</summary>
    public static class ModalLimits
    {
        public const int DefaultTimeoutSeconds = 300;
        public const int MinTimeoutSeconds = 1;
        public const int MaxTimeoutSeconds = 24 * 60 * 60;
        public const int DefaultScaledownWindowSeconds = 60;
        public const double DefaultCpu = 0.125;
        public const int DefaultMemoryMiB = 128;
        public const int MaxEphemeralDiskMiB = 3_145_728;

        /// <summary>Inputs not yet assigned to a container, per function.</summary>
        public const int MaxPendingInputs = 2_000;

        /// <summary>Pending plus running inputs, per function.</summary>
        public const int MaxTotalInputs = 25_000;

        /// <summary>Pending inputs created by spawn/spawn_map, per function.</summary>
        public const int MaxPendingSpawnedInputs = 1_000_000;

        /// <summary>Inputs of one map in flight at once.</summary>
        public const int MaxConcurrentInputsPerMap = 1_000;

        /// <summary>Payloads above this size travel through the blob store.</summary>
        public const int MaxInlinePayloadBytes = 2 * 1024 * 1024;

        /// <summary>Days a spawned call's results are kept after completion.</summary>
        public const int ResultRetentionDays = 7;

        public const int MaxRetries = 10;
        public const double MinBackoffCoefficient = 1.0;
        public const double MaxBackoffCoefficient = 10.0;
        public const double MinInitialDelaySeconds = 0.0;
        public const double MaxInitialDelaySeconds = 60.0;
        public const double MinMaxDelaySeconds = 1.0;
        public const double MaxMaxDelaySeconds = 60.0;

        public const int MaxBatchSize = 1_000;
        public const int MaxBatchWaitMs = 600_000;
    }
}
