using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Modal.Generators.Tests.Verifiers;

namespace Modal.Generators.Tests;

public sealed class ModelTests
{
    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(SemanticModel), typeof(AttributeData)];

    [Fact]
    public void ModelsHoldNoSymbolsSyntaxOrCompilations()
    {
        var compilation = GeneratorHarness.CreateCompilation(Samples.Hello, "using Modal; [Cls] public partial class Model { }");
        var result = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation).GetRunResult().Results.Single();

        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var walked = 0;
        foreach (var step in new[] { StepNames.Apps, StepNames.Functions, StepNames.Entrypoints, StepNames.Classes, StepNames.Generation })
        {
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                Walk(output.Value, step, visited);
                walked++;
            }
        }

        Assert.True(walked >= 5, "every step produced at least one model");
    }

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }

        var type = value.GetType();
        foreach (var forbidden in Forbidden)
        {
            Assert.False(forbidden.IsAssignableFrom(type), $"{path} holds a {type.FullName}, which is a {forbidden.Name}");
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{i++}]", visited);
            }
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType == typeof(Type))
                {
                    continue;
                }

                Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
