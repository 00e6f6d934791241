namespace Modal.EndToEnd.Tests;

/// <summary>
/// A temporary folder that functions and the test share: workers run on this machine, so files are how a test sees what
/// a function did (and how it tells a function to go on) without timing assumptions.
/// </summary>
internal sealed class Scratch : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("modal-e2e-files-").FullName;

    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>Waits until the file exists and has content, and returns the content.</summary>
    public static async Task<string> WaitForFileAsync(string path, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (true)
        {
            if (System.IO.File.Exists(path))
            {
                try
                {
                    var text = await System.IO.File.ReadAllTextAsync(path);
                    if (text.Length > 0)
                    {
                        return text;
                    }
                }
                catch (IOException)
                {
                    // Being written; look again.
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} did not appear within {timeout ?? Patience}.");
            }

            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A worker may still hold a file; the temp folder is cleaned by the OS.
        }
    }
}
