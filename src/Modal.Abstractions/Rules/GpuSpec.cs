// Compiled into Modal.Abstractions and, as a linked file, into Modal.Generators (netstandard2.0):
// keep it to language features and APIs both targets have.
using System;
using System.Collections.Generic;
using System.Globalization;

namespace Modal.Rules
{
    /// <summary>One GPU choice: a type and a count, e.g. <c>H100:2</c>.</summary>
    public sealed class GpuRequest : IEquatable<GpuRequest>
    {
        public GpuRequest(string type, int count, bool exact)
        {
            Type = type;
            Count = count;
            Exact = exact;
        }

        /// <summary>The canonical type name (see <see cref="GpuSpec.KnownTypes"/>).</summary>
        public string Type { get; }

        public int Count { get; }

        /// <summary>True for <c>H100!</c>: an H100 request that must not be upgraded to an H200.</summary>
        public bool Exact { get; }

        public bool Equals(GpuRequest? other) =>
            other is not null && other.Type == Type && other.Count == Count && other.Exact == Exact;

        public override bool Equals(object? obj) => Equals(obj as GpuRequest);

        public override int GetHashCode() => (Type.GetHashCode() * 31 + Count) * 2 + (Exact ? 1 : 0);

        public override string ToString() => Type + (Exact ? "!" : "") + (Count == 1 ? "" : ":" + Count.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Parses and validates a GPU setting: <c>"H100"</c>, <c>"A100-80GB:2"</c>, or an ordered fallback list
    /// <c>"H100, A100-80GB:2"</c>. The generator, the analyzers and the runtime all call <see cref="TryParse"/>.
    /// </summary>
    public static class GpuSpec
    {
        /// <summary>The GPU types the platform knows, in canonical spelling.</summary>
        public static readonly IReadOnlyList<string> KnownTypes = new[]
        {
            "T4", "L4", "A10G", "A100-40GB", "A100-80GB", "L40S", "H100", "H200", "B200", "any",
        };

        /// <summary>Most GPUs a container may ask for; A10G allows fewer.</summary>
        public const int MaxCount = 8;

        public const int MaxA10GCount = 4;

        private static readonly Dictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["A100"] = "A100-40GB",
        };

        /// <summary>
        /// Parses <paramref name="text"/>. On failure, <paramref name="error"/> says what is wrong and what is allowed, and
        /// <paramref name="suggestion"/> holds the corrected text when there is one unambiguous fix (a misspelt type).
        /// </summary>
        public static bool TryParse(string? text, out IReadOnlyList<GpuRequest> requests, out string? error, out string? suggestion)
        {
            requests = Array.Empty<GpuRequest>();
            suggestion = null;
            if (text is null || text.Trim().Length == 0)
            {
                error = "The GPU setting is empty. Name a type such as \"H100\" or \"A100-80GB:2\", or leave the setting out.";
                return false;
            }

            var parts = text.Split(',');
            var parsed = new List<GpuRequest>(parts.Length);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < parts.Length; i++)
            {
                var part = parts[i].Trim();
                if (part.Length == 0)
                {
                    error = $"The GPU fallback list \"{text}\" has an empty entry. Separate GPU types with single commas, e.g. \"H100, A100-80GB\".";
                    return false;
                }

                if (!TryParseOne(part, out var request, out error, out var fixedPart))
                {
                    if (fixedPart is not null)
                    {
                        parts[i] = parts[i].Replace(part, fixedPart);
                        suggestion = string.Join(",", parts);
                    }

                    return false;
                }

                // "H100" and "H100!" are one type: listing both would only repeat a choice.
                if (!seen.Add(request!.Type))
                {
                    error = $"The GPU fallback list \"{text}\" names {request.Type} twice. List each type once, in order of preference.";
                    return false;
                }

                parsed.Add(request);
            }

            requests = parsed;
            error = null;
            return true;
        }

        /// <summary>The canonical type for a device or request name (case-insensitive, aliases applied), or null.</summary>
        public static string? Canonicalize(string name)
        {
            if (Aliases.TryGetValue(name, out var alias))
            {
                return alias;
            }

            foreach (var known in KnownTypes)
            {
                if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
                {
                    return known;
                }
            }

            return null;
        }

        private static bool TryParseOne(string part, out GpuRequest? request, out string? error, out string? fixedPart)
        {
            request = null;
            fixedPart = null;
            var typeText = part;
            var count = 1;
            var colon = part.IndexOf(':');
            if (colon >= 0)
            {
                typeText = part.Substring(0, colon).Trim();
                var countText = part.Substring(colon + 1).Trim();
                if (!int.TryParse(countText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out count))
                {
                    error = $"The GPU count in \"{part}\" is not a whole number. Write the count after a colon, e.g. \"H100:2\".";
                    return false;
                }
            }

            var exact = typeText.EndsWith("!", StringComparison.Ordinal);
            if (exact)
            {
                typeText = typeText.Substring(0, typeText.Length - 1);
            }

            if (typeText.Length == 0)
            {
                error = $"The GPU entry \"{part}\" names no type. Write the type before the count, e.g. \"H100:2\".";
                return false;
            }

            var type = Canonicalize(typeText);
            if (type is null)
            {
                var nearest = Nearest(typeText);
                error = nearest is null
                    ? $"Unknown GPU type \"{typeText}\". Known types: {string.Join(", ", KnownTypes)}."
                    : $"Unknown GPU type \"{typeText}\". Did you mean \"{nearest}\"? Known types: {string.Join(", ", KnownTypes)}.";
                if (nearest is not null)
                {
                    fixedPart = part.Replace(typeText, nearest);
                }

                return false;
            }

            if (exact && type != "H100")
            {
                error = $"\"{part}\": the '!' suffix (no upgrade) applies only to H100. Remove the '!'.";
                return false;
            }

            if (count <= 0)
            {
                error = $"The GPU count in \"{part}\" must be at least 1.";
                return false;
            }

            var max = type == "A10G" ? MaxA10GCount : MaxCount;
            if (count > max)
            {
                error = $"The GPU count in \"{part}\" is {count}, but a container can have at most {max} {type} GPUs.";
                return false;
            }

            request = new GpuRequest(type, count, exact);
            error = null;
            return true;
        }

        /// <summary>
        /// The known type closest in edit distance, when it is close enough to be a likely typo and no other type is as
        /// close (a tie is no unambiguous fix).
        /// </summary>
        public static string? Nearest(string name)
        {
            string? best = null;
            var bestDistance = int.MaxValue;
            var tied = false;
            foreach (var known in KnownTypes)
            {
                var d = Distance(name.ToUpperInvariant(), known.ToUpperInvariant());
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = known;
                    tied = false;
                }
                else if (d == bestDistance)
                {
                    tied = true;
                }
            }

            return !tied && bestDistance <= Math.Max(1, name.Length / 3) ? best : null;
        }

        private static int Distance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }

                var swap = previous;
                previous = current;
                current = swap;
            }

            return previous[b.Length];
        }
    }
}
