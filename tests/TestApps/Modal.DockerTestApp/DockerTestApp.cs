using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Modal.DockerTestApp;

/// <summary>Functions the Docker backend tests call in real containers: each exercises an image recipe, a resource or a sandbox.</summary>
[App("dockertestapp")]
public static partial class DockerTestApp
{
    /// <summary>A package from the Debian mirror, installed during the build.</summary>
    static readonly Image Jq = Image.DebianSlim().AptInstall("jq");

    /// <summary>Configuration steps, a copied file (a layer) and a mounted folder (bound at start).</summary>
    static readonly Image Configured = Image.DebianSlim()
        .Env("GREETING", "hello from the image")
        .Workdir("/srv")
        .AddLocalFile("data/greeting.txt", "/srv/copied.txt", copy: true)
        .AddLocalDir("data", "/mnt/data");

    /// <summary>ARG, ENV, WORKDIR, RUN, COPY and ENTRYPOINT, through the platform's Dockerfile implementation.</summary>
    static readonly Image FromFile = Image.FromDockerfile("data/Dockerfile");

    /// <summary>A layer made by running <see cref="Bake"/> during the build, with a step after it.</summary>
    static readonly Image Baked = Image.DebianSlim().RunFunction(nameof(Bake)).Env("AFTER_BAKE", "yes");

    /// <summary>Runs during the build of <see cref="Baked"/>: the files it writes become a layer.</summary>
    [Function]
    public static void Bake()
    {
        Directory.CreateDirectory("/opt/baked");
        var token = Environment.GetEnvironmentVariable("BAKE_TOKEN") ?? "none";
        File.WriteAllText("/opt/baked/result.txt", $"baked remote={Environment.GetEnvironmentVariable("MODAL_IS_REMOTE")} token={token}");
        Console.WriteLine("bake wrote /opt/baked/result.txt");
    }

    /// <summary>A build function that fails, for the build error.</summary>
    [Function]
    public static void BakeFails() => throw new InvalidOperationException("bake-failure-marker");

    /// <summary>A build function that outlives its Timeout.</summary>
    [Function(Timeout = 2)]
    public static void BakeSlowly() => Thread.Sleep(TimeSpan.FromMinutes(5));

    /// <summary>What <see cref="Bake"/> left in the image, and whether a build secret leaked into the function's environment.</summary>
    [Function(Image = nameof(Baked))]
    public static string ReadBaked() =>
        string.Join("|",
            File.ReadAllText("/opt/baked/result.txt"),
            Environment.GetEnvironmentVariable("AFTER_BAKE"),
            Environment.GetEnvironmentVariable("BAKE_TOKEN") ?? "no token at run time");

    /// <summary>Runs the apt-installed program inside the container.</summary>
    [Function(Image = nameof(Jq))]
    public static string JqVersion() => Run("jq", "--version");

    [Function(Image = nameof(Configured))]
    public static string DescribeConfigured() =>
        string.Join("|",
            Environment.GetEnvironmentVariable("GREETING"),
            Environment.CurrentDirectory,
            File.ReadAllText("/srv/copied.txt").Trim(),
            File.ReadAllText("/mnt/data/greeting.txt").Trim());

    [Function(Image = nameof(FromFile))]
    public static string DescribeDockerfile() =>
        string.Join("|",
            Environment.GetEnvironmentVariable("FROM_DOCKERFILE"),
            Environment.GetEnvironmentVariable("SECOND"),
            Environment.CurrentDirectory,
            File.ReadAllText("/app/who.txt").Trim(),
            File.ReadAllText("/app/greeting.txt").Trim(),
            Environment.GetEnvironmentVariable("ENTRYPOINT_RAN"));

    /// <summary>Writes a line to stdout and one to stderr, so tests can see container logs reach the caller.</summary>
    [Function]
    public static string Echo(string marker)
    {
        Console.WriteLine($"stdout {marker}");
        Console.Error.WriteLine($"stderr {marker}");
        return marker;
    }

    /// <summary>Names of environment variables the platform sets, with their values.</summary>
    [Function]
    public static Dictionary<string, string> PlatformEnvironment() =>
        new[] { "MODAL_TASK_ID", "MODAL_IMAGE_ID", "MODAL_IS_REMOTE", "MODAL_ENVIRONMENT" }
            .ToDictionary(n => n, n => Environment.GetEnvironmentVariable(n) ?? "");

    /// <summary>Tries a TCP connection to a loopback port of the host.</summary>
    [Function]
    public static Task<string> Connect(int port) => TryConnectAsync(port);

    [Function(BlockNetwork = true)]
    public static Task<string> ConnectBlocked(int port) => TryConnectAsync(port);

    /// <summary>The kernel release the function sees: gVisor reports 4.4.0.</summary>
    [Function(RestrictModalAccess = true)]
    public static string KernelRelease() => Run("uname", "-r");

    /// <summary>Touches <paramref name="mib"/> MiB of native memory, which the GC's own limit does not cap.</summary>
    [Function(Memory = 100, MemoryLimit = 150)]
    public static long Hog(int mib)
    {
        const int page = 4096;
        var size = (long)mib * 1024 * 1024;
        var memory = Marshal.AllocHGlobal((nint)size);
        try
        {
            for (long offset = 0; offset < size; offset += page)
            {
                Marshal.WriteByte(memory + (nint)offset, 1);
            }

            return size;
        }
        finally
        {
            Marshal.FreeHGlobal(memory);
        }
    }

    /// <summary>The CPU limit the container's cgroup enforces, in cores.</summary>
    [Function(Cpu = 0.25, CpuLimit = 1.5)]
    public static double CpuLimit()
    {
        if (File.Exists("/sys/fs/cgroup/cpu.max"))
        {
            var parts = File.ReadAllText("/sys/fs/cgroup/cpu.max").Trim().Split(' ');
            return double.Parse(parts[0]) / double.Parse(parts[1]);
        }

        return double.Parse(File.ReadAllText("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")) / double.Parse(File.ReadAllText("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
    }

    /// <summary>Single-use containers: each input gets a fresh one.</summary>
    [Function(MaxInputs = 1)]
    public static string TaskId() => Environment.GetEnvironmentVariable("MODAL_TASK_ID") ?? "";

    /// <summary>Keeps a container busy, so a test can find it running.</summary>
    [Function]
    public static int Sleep(int ms)
    {
        Thread.Sleep(ms);
        return ms;
    }

    private static async Task<string> TryConnectAsync(int port)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return "connected";
        }
        catch (OperationCanceledException)
        {
            return "failed: timed out";
        }
        catch (SocketException ex)
        {
            return "failed: " + ex.SocketErrorCode;
        }
    }

    private static string Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }
}
