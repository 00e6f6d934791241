namespace Modal.Generators.Diagnostics;

/// <summary>
/// Every diagnostic ID of Modal's build-time tooling, in one place. The generator owns MODAL001-MODAL049; analyzers
/// start at MODAL050 so the ranges never collide.
/// </summary>
internal static class DiagnosticIds
{
    public const string FunctionNotInApp = "MODAL001";
    public const string InvalidAppClass = "MODAL002";
    public const string FunctionNotStatic = "MODAL003";
    public const string GenericFunction = "MODAL004";
    public const string ByRefParameter = "MODAL005";
    public const string UnserializableType = "MODAL006";
    public const string ClsNotSupported = "MODAL007";
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
}
