using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Modal.Generators.Diagnostics;

/// <summary>The descriptors behind <see cref="DiagnosticIds"/>; parser code reports through these only.</summary>
internal static class Descriptors
{
    private const string Category = "Modal";

    public static readonly DiagnosticDescriptor FunctionNotInApp = Error(
        DiagnosticIds.FunctionNotInApp,
        "[Function] outside an [App] class",
        "[Function] method '{0}' is declared in '{1}', which is not marked [App]; move it into the app's 'static partial' class marked [App(\"name\")]");

    public static readonly DiagnosticDescriptor InvalidAppClass = Error(
        DiagnosticIds.InvalidAppClass,
        "Invalid [App] class",
        "[App] class '{0}' must be a top-level 'static partial' class that is not generic; {1}");

    public static readonly DiagnosticDescriptor FunctionNotStatic = Error(
        DiagnosticIds.FunctionNotStatic,
        "Function is not static",
        "Function '{0}' must be a static method; make it static, or move it to a [Cls] class as a [Method] to keep state per container");

    public static readonly DiagnosticDescriptor GenericFunction = Error(
        DiagnosticIds.GenericFunction,
        "Generic function",
        "Function '{0}' is generic; a remote function needs concrete parameter types, so remove its type parameters");

    public static readonly DiagnosticDescriptor ByRefParameter = Error(
        DiagnosticIds.ByRefParameter,
        "ref, out or in parameter",
        "Parameter '{1}' of function '{0}' is passed by reference ({2}); remote arguments are copied, so pass it by value and return results instead");

    public static readonly DiagnosticDescriptor UnserializableType = Error(
        DiagnosticIds.UnserializableType,
        "Type cannot be serialized",
        "{0} ({1}) cannot be serialized: {2}");

    public static readonly DiagnosticDescriptor InvalidClsClass = Error(
        DiagnosticIds.InvalidClsClass,
        "Invalid [Cls] class",
        "[Cls] class '{0}' {1}");

    public static readonly DiagnosticDescriptor ImageArgumentNotConstant = Error(
        DiagnosticIds.ImageArgumentNotConstant,
        "Image argument is not a constant",
        "Argument '{1}' of image step '{0}' must be a compile-time constant, because the image recipe is read at build time; use a literal or a const");

    public static readonly DiagnosticDescriptor ImageMemberNotFound = Error(
        DiagnosticIds.ImageMemberNotFound,
        "Image member not found",
        "Image '{0}' names no static field or property of type Modal.Image in '{1}'; declare one (for example 'static readonly Image {0} = Image.DebianSlim();') and refer to it with nameof");

    public static readonly DiagnosticDescriptor UnsupportedImageExpression = Error(
        DiagnosticIds.UnsupportedImageExpression,
        "Image recipe cannot be read",
        "The initializer of image '{0}' cannot be read at build time: {1}; write it as a chain such as Image.DebianSlim().AptInstall(\"curl\")");

    public static readonly DiagnosticDescriptor MultipleApps = Error(
        DiagnosticIds.MultipleApps,
        "More than one [App] class",
        "The assembly already has the [App] class '{1}'; '{0}' is a second one, and an assembly holds one app, so move it into its own project");

    public static readonly DiagnosticDescriptor DuplicateFunctionName = Error(
        DiagnosticIds.DuplicateFunctionName,
        "Duplicate function name",
        "App '{0}' has more than one function named '{1}'; give one of them another name with [Function(Name = \"...\")]");

    public static readonly DiagnosticDescriptor InvalidEntrypoint = Error(
        DiagnosticIds.InvalidEntrypoint,
        "Invalid [LocalEntrypoint]",
        "[LocalEntrypoint] method '{0}' {1}");

    public static readonly DiagnosticDescriptor UnsupportedEntrypointParameter = Error(
        DiagnosticIds.UnsupportedEntrypointParameter,
        "Entrypoint parameter cannot be a command-line option",
        "Parameter '{1}' of entrypoint '{0}' has type {2}, which cannot be read from the command line; use string, bool, a number, an enum (or a nullable of these), or a single string[] parameter for the raw arguments");

    public static readonly DiagnosticDescriptor MultipleEntrypoints = Error(
        DiagnosticIds.MultipleEntrypoints,
        "More than one [LocalEntrypoint]",
        "App '{0}' already has the [LocalEntrypoint] '{1}'; '{2}' is a second one, and an app has one program entry");

    public static readonly DiagnosticDescriptor ReservedParameterName = Error(
        DiagnosticIds.ReservedParameterName,
        "Parameter name is reserved",
        "Parameter '{1}' of function '{0}' has a name the generated handle uses for its own options; rename it");

    public static readonly DiagnosticDescriptor InvalidBatchedSignature = Error(
        DiagnosticIds.InvalidBatchedSignature,
        "Invalid [Batched] signature",
        "[Batched] function '{0}' {1}; a batched function takes lists (List<T>, IList<T>, IReadOnlyList<T> or T[]) and returns a list of the same length");

    public static readonly DiagnosticDescriptor ConflictingSettings = Error(
        DiagnosticIds.ConflictingSettings,
        "Conflicting settings",
        "Function '{0}' {1}");

    public static readonly DiagnosticDescriptor InvalidWebSignature = Error(
        DiagnosticIds.InvalidWebSignature,
        "Web function with a signature its kind cannot serve",
        "Function '{0}' is a {1} function but {2}");

    // The configuration rules (MODAL050+). Their messages come whole from the shared rules in Modal.Rules, so the IDE,
    // the build and the runtime's InvalidError all say the same words.
    public static readonly DiagnosticDescriptor InvalidGpu = Rule(DiagnosticIds.InvalidGpu, "Invalid GPU request");
    public static readonly DiagnosticDescriptor InvalidCpu = Rule(DiagnosticIds.InvalidCpu, "Invalid CPU request or limit");
    public static readonly DiagnosticDescriptor InvalidMemory = Rule(DiagnosticIds.InvalidMemory, "Invalid memory request or limit");
    public static readonly DiagnosticDescriptor InvalidEphemeralDisk = Rule(DiagnosticIds.InvalidEphemeralDisk, "Ephemeral disk out of range");
    public static readonly DiagnosticDescriptor InvalidAutoscaler = Rule(DiagnosticIds.InvalidAutoscaler, "Invalid autoscaler setting");
    public static readonly DiagnosticDescriptor InvalidTimeout = Rule(DiagnosticIds.InvalidTimeout, "Timeout out of range");
    public static readonly DiagnosticDescriptor InvalidRetries = Rule(DiagnosticIds.InvalidRetries, "Invalid retry policy");
    public static readonly DiagnosticDescriptor InvalidConcurrency = Rule(DiagnosticIds.InvalidConcurrency, "Invalid [Concurrent] setting");
    public static readonly DiagnosticDescriptor InvalidBatching = Rule(DiagnosticIds.InvalidBatching, "Invalid [Batched] setting");
    public static readonly DiagnosticDescriptor InvalidSchedule = Rule(DiagnosticIds.InvalidSchedule, "Invalid schedule");
    public static readonly DiagnosticDescriptor InvalidFunctionName = Rule(DiagnosticIds.InvalidFunctionName, "Invalid function name");
    public static readonly DiagnosticDescriptor InvalidCluster = Rule(DiagnosticIds.InvalidCluster, "Invalid [Clustered] setting");
    public static readonly DiagnosticDescriptor InvalidVolume = Rule(DiagnosticIds.InvalidVolume, "Invalid volume mount");
    public static readonly DiagnosticDescriptor RetriesNotAllowed = Rule(DiagnosticIds.RetriesNotAllowed, "Retries on a web or generator function");
    public static readonly DiagnosticDescriptor InvalidBatchedFunction = Rule(DiagnosticIds.InvalidBatchedFunction, "[Batched] combined with an unsupported feature");
    public static readonly DiagnosticDescriptor ScheduledFunctionHasParameters = Rule(DiagnosticIds.ScheduledFunctionHasParameters, "Scheduled function takes parameters");
    public static readonly DiagnosticDescriptor ConcurrentOnClassMethod = Rule(DiagnosticIds.ConcurrentOnClassMethod, "[Concurrent] on a method of a [Cls] class");
    public static readonly DiagnosticDescriptor BatchedClassHasOtherMethods = Rule(DiagnosticIds.BatchedClassHasOtherMethods, "[Batched] method in a [Cls] class with other methods");
    public static readonly DiagnosticDescriptor InvalidMaxInputs = Rule(DiagnosticIds.InvalidMaxInputs, "Invalid MaxInputs");

    /// <summary>The descriptors of the configuration rules, which the analyzers report.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> Rules = ImmutableArray.Create(
        InvalidGpu, InvalidCpu, InvalidMemory, InvalidEphemeralDisk, InvalidAutoscaler, InvalidTimeout, InvalidRetries,
        InvalidConcurrency, InvalidBatching, InvalidSchedule, InvalidFunctionName, InvalidCluster, InvalidVolume,
        RetriesNotAllowed, InvalidBatchedFunction, ScheduledFunctionHasParameters, ConcurrentOnClassMethod,
        BatchedClassHasOtherMethods, InvalidMaxInputs);

    /// <summary>The generator's own descriptors.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> Generator = ImmutableArray.Create(
        FunctionNotInApp, InvalidAppClass, FunctionNotStatic, GenericFunction, ByRefParameter, UnserializableType,
        InvalidClsClass, ImageArgumentNotConstant, ImageMemberNotFound, UnsupportedImageExpression, MultipleApps,
        DuplicateFunctionName, InvalidEntrypoint, UnsupportedEntrypointParameter, MultipleEntrypoints,
        ReservedParameterName, InvalidBatchedSignature, ConflictingSettings, InvalidWebSignature);

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (var descriptor in Generator.Concat(Rules))
        {
            if (descriptor.Id == id)
            {
                return descriptor;
            }
        }

        throw new ArgumentException($"Unknown diagnostic id {id}.", nameof(id));
    }

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: DiagnosticIds.HelpLinkBase + id + ".md");

    private static DiagnosticDescriptor Rule(string id, string title) => Error(id, title, "{0}");
}
