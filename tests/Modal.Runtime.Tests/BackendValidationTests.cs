using Modal.Backends;
using Modal.Manifest;
using Modal.Runtime.Tests.Support;

namespace Modal.Runtime.Tests;

public sealed class BackendValidationTests
{
    private static readonly LocalProcessBackend Local = new(workerPath: typeof(BackendValidationTests).Assembly.Location);

    [Fact]
    public void One_unsupported_setting_is_named_with_the_function_and_the_backend()
    {
        var square = Manifests.Function("Square") with { Resources = new ResourcesManifest { MemoryMiB = 1024 } };

        var error = Assert.Throws<InvalidError>(() => Local.Validate("app", [square]));

        Assert.Equal(
            "Function 'Square' sets memory=1024 MiB, which the local backend does not support yet. Remove the setting or choose a backend that supports it.",
            error.Message);
    }

    [Fact]
    public void Every_unsupported_setting_of_the_app_is_listed_in_one_message()
    {
        var square = Manifests.Function("Square") with { Resources = new ResourcesManifest { Cpu = 2, MemoryMiB = 1024 } };
        var fetch = Manifests.Function("Fetch") with
        {
            Web = new WebManifest { Kind = "endpoint" },
            Schedule = new ScheduleManifest { Kind = "cron", Cron = "0 6 * * *" },
            Secrets = ["openai"],
            BlockNetwork = true,
            IsGenerator = true,
        };
        var fine = Manifests.Function("Fine") with
        {
            TimeoutSeconds = 60,
            Retries = new RetriesManifest { MaxRetries = 2 },
            Autoscaler = new AutoscalerManifest { MinContainers = 1, MaxContainers = 3, BufferContainers = 1, ScaledownWindowSeconds = 10 },
            MaxInputs = 1,
            Concurrency = new ConcurrencyManifest { MaxInputs = 4 },
        };

        var error = Assert.Throws<InvalidError>(() => Local.Validate("app", [square, fetch, fine]));

        Assert.Equal(
            "Function 'Square' sets cpu=2 and memory=1024 MiB; function 'Fetch' sets secrets=[openai], " +
            "schedule=cron '0 6 * * *' and blockNetwork=true, which the local backend does not support yet. " +
            "Remove these settings or choose a backend that supports them.",
            error.Message);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("cpuLimit")]
    [InlineData("memoryLimit")]
    [InlineData("ephemeralDisk")]
    [InlineData("image")]
    [InlineData("volumes")]
    [InlineData("region")]
    [InlineData("cloud")]
    [InlineData("cluster")]
    [InlineData("restrictModalAccess")]
    public void Each_setting_the_local_backend_lacks_is_refused(string setting)
    {
        var function = setting switch
        {
            "cpu" => Manifests.Function() with { Resources = new ResourcesManifest { Cpu = 2 } },
            "cpuLimit" => Manifests.Function() with { Resources = new ResourcesManifest { CpuLimit = 4 } },
            "memoryLimit" => Manifests.Function() with { Resources = new ResourcesManifest { MemoryLimitMiB = 512 } },
            "ephemeralDisk" => Manifests.Function() with { Resources = new ResourcesManifest { EphemeralDiskMiB = 1024 } },
            "image" => Manifests.Function() with { Image = new ImageManifest { Steps = [new ImageStepManifest { Kind = "debianSlim" }] } },
            "volumes" => Manifests.Function() with { Volumes = [new VolumeManifest { MountPath = "/data", Name = "vol" }] },
            "region" => Manifests.Function() with { Region = "us-east" },
            "cloud" => Manifests.Function() with { Cloud = "aws" },
            "cluster" => Manifests.Function() with { Cluster = new ClusterManifest { Size = 2 } },
            "restrictModalAccess" => Manifests.Function() with { RestrictModalAccess = true },
            _ => throw new ArgumentOutOfRangeException(nameof(setting)),
        };

        var error = Assert.Throws<InvalidError>(() => Local.Validate("app", [function]));
        Assert.StartsWith($"Function 'Square' sets {setting}=", error.Message);
    }

    [Fact]
    public void Settings_the_local_backend_honours_pass()
    {
        var function = Manifests.Function() with
        {
            TimeoutSeconds = 60,
            StartupTimeoutSeconds = 30,
            Retries = new RetriesManifest { MaxRetries = 2 },
            Autoscaler = new AutoscalerManifest { MinContainers = 1, MaxContainers = 3, BufferContainers = 1, ScaledownWindowSeconds = 10 },
            MaxInputs = 1,
            Concurrency = new ConcurrencyManifest { MaxInputs = 4, TargetInputs = 2 },
            RestrictModalAccess = false,
        };
        // Batching and streaming are the scheduler's and the worker's work, so every backend runs them.
        var batched = Manifests.Function("Batched") with { Batching = new BatchingManifest { MaxBatchSize = 8, WaitMs = 100 } };
        var generator = Manifests.Function("Generator") with { IsGenerator = true };

        Local.Validate("app", [function, batched, generator]);
    }

    [Fact]
    public void A_missing_worker_says_how_to_fix_it()
    {
        var backend = new LocalProcessBackend(workerPath: "/nonexistent/Modal.Worker.dll");

        var error = Assert.Throws<InvalidError>(() => backend.Validate("app", [Manifests.Function()]));

        Assert.Contains("/nonexistent/Modal.Worker.dll", error.Message);
        Assert.Contains(LocalProcessBackend.WorkerPathVariable, error.Message);
    }

    [Fact]
    public void The_worker_is_looked_for_next_to_the_runtime_by_default()
    {
        var previous = Environment.GetEnvironmentVariable(LocalProcessBackend.WorkerPathVariable);
        if (previous is not null)
        {
            // The variable overrides the default; this test is about the default.
            Assert.Equal(previous, LocalProcessBackend.ResolveWorkerPath(null));
            return;
        }

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "Modal.Worker.dll"), LocalProcessBackend.ResolveWorkerPath(null));
        Assert.Equal("/explicit/Modal.Worker.dll", LocalProcessBackend.ResolveWorkerPath("/explicit/Modal.Worker.dll"));
    }
}
