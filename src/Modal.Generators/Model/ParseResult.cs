using System;
using Modal.Generators.Helpers;

namespace Modal.Generators.Model;

/// <summary>What one parsing stage produced: a model (null when errors prevent emitting it) and its diagnostics.</summary>
internal sealed record ParseResult<T>(T? Model, EquatableArray<DiagnosticInfo> Diagnostics)
    where T : class, IEquatable<T>;
