namespace Modal;

/// <summary>
/// Settings shared by <see cref="FunctionAttribute"/> and <see cref="ClsAttribute"/>. Only the settings a user writes
/// reach the manifest; the defaults below are what the platform applies when a setting is left out.
/// </summary>
public abstract class FunctionSettingsAttribute : Attribute
{
    /// <summary>GPU request such as <c>"H100"</c>, <c>"A100-80GB:2"</c> or an ordered fallback list <c>"H100, A100-80GB"</c>.</summary>
    public string? Gpu { get; set; }

    /// <summary>CPU cores requested (fractional allowed). Default 0.125.</summary>
    public double Cpu { get; set; }

    /// <summary>Hard CPU limit in cores; must not be below <see cref="Cpu"/>.</summary>
    public double CpuLimit { get; set; }

    /// <summary>Memory requested, in MiB. Default 128.</summary>
    public int Memory { get; set; }

    /// <summary>Hard memory limit, in MiB; must not be below <see cref="Memory"/>.</summary>
    public int MemoryLimit { get; set; }

    /// <summary>Ephemeral disk, in MiB (at most 3,145,728).</summary>
    public int EphemeralDisk { get; set; }

    /// <summary>Execution timeout per input, in seconds. Default 300, at most 86,400.</summary>
    public int Timeout { get; set; } = 300;

    /// <summary>Time a container may take to start (including <c>[Enter]</c> hooks), in seconds.</summary>
    public int StartupTimeout { get; set; }

    /// <summary>
    /// Number of retries with a fixed 1 s delay. For backoff use <see cref="RetriesAttribute"/> instead.
    /// </summary>
    public int Retries { get; set; }

    /// <summary>Containers kept warm even with no inputs. Default 0.</summary>
    public int MinContainers { get; set; }

    /// <summary>Upper bound on containers for this function.</summary>
    public int MaxContainers { get; set; }

    /// <summary>Extra idle containers kept while the function is active.</summary>
    public int BufferContainers { get; set; }

    /// <summary>Seconds an idle container waits before it stops. Default 60.</summary>
    public int ScaledownWindow { get; set; } = 60;

    /// <summary>Inputs a container serves before it is replaced; 1 makes containers single-use.</summary>
    public int MaxInputs { get; set; }

    /// <summary>Name of a static <see cref="Image"/> member of the app class; the app's image when omitted.</summary>
    public string? Image { get; set; }

    /// <summary>Secrets (by name), injected as environment variables in list order, later ones winning.</summary>
    public string[]? Secrets { get; set; }

    /// <summary>Region preference, for example <c>"us-east"</c>.</summary>
    public string? Region { get; set; }

    /// <summary>Cloud provider preference.</summary>
    public string? Cloud { get; set; }

    /// <summary>Refuses every platform call from inside the function except fetching inputs and sending outputs.</summary>
    public bool RestrictModalAccess { get; set; }

    /// <summary>Gives the container no network access.</summary>
    public bool BlockNetwork { get; set; }
}
