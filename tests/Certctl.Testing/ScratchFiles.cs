namespace Certctl.Testing;

/// <summary>A temporary folder for files handed to command-line tools (PEMs, DER CRLs, OCSP requests), deleted on dispose.</summary>
public sealed class ScratchFiles : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("certctl-scratch-").FullName;

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string Write(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    public string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
