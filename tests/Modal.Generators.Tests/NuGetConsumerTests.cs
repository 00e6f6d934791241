using System.Diagnostics;
using Modal.Generators.Tests.Verifiers;
using Modal.Manifest;

namespace Modal.Generators.Tests;

/// <summary>
/// Packs Modal.Abstractions, Modal.Gpu and Modal.Runtime, then builds an app that knows Modal only through a PackageReference:
/// the generator and the manifest target must arrive through the package.
/// </summary>
[Trait("Category", "Slow")]
public sealed class NuGetConsumerTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(8);
    private readonly string _root = Directory.CreateTempSubdirectory("modal-consumer-").FullName;

    [Fact]
    public async Task APackageReferenceIsEnoughToGetHandlesAndTheManifest()
    {
        var repo = Path.GetFullPath(Path.Combine(GeneratorHarness.ProjectDirectory(), "..", ".."));
        var feed = Path.Combine(_root, "feed");
        var version = $"0.0.0-consumer{DateTime.UtcNow:yyyyMMddHHmmss}";
        foreach (var project in new[] { "src/Modal.Abstractions/Modal.Abstractions.csproj", "src/Modal.Gpu/Modal.Gpu.csproj", "src/Modal.Runtime/Modal.Runtime.csproj" })
        {
            await RunDotnetAsync(repo, "pack", Path.Combine(repo, project), "-o", feed, $"-p:Version={version}");
        }

        var app = Path.Combine(_root, "app");
        Directory.CreateDirectory(app);
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // The machine's own sources stay configured; the feed and the already-restored packages are added to them.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="modal-test-feed" value="{feed}" />
                <add key="local-packages" value="{globalPackages}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(_root, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Modal.Runtime" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "ConsumerApp.cs"), """
            using Modal;

            namespace Consumer;

            public sealed record Item(string Name, int Count);

            [App("consumer")]
            public static partial class ConsumerApp
            {
                [Function(Timeout = 30)]
                public static int Twice(Item item) => item.Count * 2;

                // Compiles only if the generator ran: the handle and its typed verb exist.
                public static Task<int> CallTwice() => Functions.Twice.RemoteAsync(new Item("a", 1));
            }
            """);

        await RunDotnetAsync(app, "build", Path.Combine(app, "Consumer.csproj"));

        var manifestPath = Path.Combine(app, "bin", "Debug", "net10.0", AppManifest.FileName);
        Assert.True(File.Exists(manifestPath), $"{manifestPath} was not written");
        var manifest = AppManifest.Parse(File.ReadAllText(manifestPath));
        Assert.Equal("consumer", manifest.App);
        Assert.Equal("Consumer", manifest.Assembly);
        var twice = Assert.Single(manifest.Functions);
        Assert.Equal("Twice", twice.Name);
        Assert.Equal(30, twice.TimeoutSeconds);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file open; the temp folder is cleaned by the OS later.
        }
    }

    private static async Task RunDotnetAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Append("-nologo").Append("-p:UseSharedCompilation=false").Append("-nodeReuse:false"))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} took longer than {CommandTimeout}.");
        }

        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{await output}\n{await error}");
    }
}
