using Modal.Rules;

namespace Modal.Generators.Diagnostics;

/// <summary>
/// Every diagnostic ID of Modal's build-time tooling, in one place. The generator owns MODAL001-MODAL049; analyzers
/// start at MODAL050 so the ranges never collide. The analyzers' IDs are those of the shared rules (<see cref="RuleIds"/>),
/// which the runtime reports too. Each ID has a page at docs/diagnostics/MODALnnn.md.
/// </summary>
internal static class DiagnosticIds
{
    /// <summary>
    /// Where the per-ID pages are published; a descriptor's help link is this plus <c>MODALnnn.md</c>. Change it here
    /// when the repository moves.
    /// </summary>
    public const string HelpLinkBase = "https://github.com/modal-dotnet/modal-dotnet/blob/main/docs/diagnostics/";

    public const string FunctionNotInApp = "MODAL001";
    public const string InvalidAppClass = "MODAL002";
    public const string FunctionNotStatic = "MODAL003";
    public const string GenericFunction = "MODAL004";
    public const string ByRefParameter = "MODAL005";
    public const string UnserializableType = "MODAL006";
    public const string InvalidClsClass = "MODAL007";
    public const string ImageArgumentNotConstant = "MODAL008";
    public const string ImageMemberNotFound = "MODAL009";
    public const string UnsupportedImageExpression = "MODAL010";
    public const string MultipleApps = "MODAL011";
    public const string DuplicateFunctionName = "MODAL012";
    public const string InvalidEntrypoint = "MODAL013";
    public const string UnsupportedEntrypointParameter = "MODAL014";
    public const string MultipleEntrypoints = "MODAL015";
    public const string ReservedParameterName = "MODAL016";
    public const string InvalidBatchedSignature = "MODAL017";
    public const string ConflictingSettings = "MODAL018";
    public const string InvalidWebSignature = "MODAL019";

    public const string InvalidGpu = RuleIds.InvalidGpu;
    public const string InvalidCpu = RuleIds.InvalidCpu;
    public const string InvalidMemory = RuleIds.InvalidMemory;
    public const string InvalidEphemeralDisk = RuleIds.InvalidEphemeralDisk;
    public const string InvalidAutoscaler = RuleIds.InvalidAutoscaler;
    public const string InvalidTimeout = RuleIds.InvalidTimeout;
    public const string InvalidRetries = RuleIds.InvalidRetries;
    public const string InvalidConcurrency = RuleIds.InvalidConcurrency;
    public const string InvalidBatching = RuleIds.InvalidBatching;
    public const string InvalidSchedule = RuleIds.InvalidSchedule;
    public const string InvalidFunctionName = RuleIds.InvalidFunctionName;
    public const string InvalidCluster = RuleIds.InvalidCluster;
    public const string InvalidVolume = RuleIds.InvalidVolume;
    public const string RetriesNotAllowed = RuleIds.RetriesNotAllowed;
    public const string InvalidBatchedFunction = RuleIds.InvalidBatchedFunction;
    public const string ScheduledFunctionHasParameters = RuleIds.ScheduledFunctionHasParameters;
    public const string ConcurrentOnClassMethod = RuleIds.ConcurrentOnClassMethod;
    public const string BatchedClassHasOtherMethods = RuleIds.BatchedClassHasOtherMethods;
    public const string InvalidMaxInputs = RuleIds.InvalidMaxInputs;
}
