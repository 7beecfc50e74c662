using Lion.Torch.Training;

namespace Lion.Torch.Tests;

/// <summary>The process's memory as Linux counts it, for tests of what a model or a pass holds.</summary>
internal static class ResidentMemory
{
    /// <summary>The process's anonymous resident memory, in MB, once the allocator has handed back what is free.</summary>
    public static long Megabytes()
    {
        GlibcHeap.ReturnFreedMemory();
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
