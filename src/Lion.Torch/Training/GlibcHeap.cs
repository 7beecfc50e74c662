using System.Runtime.InteropServices;

namespace Lion.Torch.Training;

/// <summary>
/// glibc hands a freed block above its mmap threshold (a few MB) straight back to the kernel, and
/// the kernel zeroes every page of it again on next use; a training step frees and takes back the
/// same large activations dozens of times, so that zeroing is a visible share of a step. Raised
/// thresholds and a top pad keep freed memory in the process for the next step, as PyTorch users
/// get from jemalloc.
/// </summary>
public static partial class GlibcHeap
{
    private const int TrimThreshold = -1, TopPad = -2, MmapThreshold = -3; // M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>
    /// Hands the memory the process has freed back to the kernel: after loading a checkpoint, whose
    /// reading freed buffers as large as its weights that glibc would otherwise keep for good.
    /// </summary>
    public static void ReturnFreedMemory() => OnGlibc(() => MallocTrim(0));

    public static void KeepFreedMemory() => OnGlibc(() =>
    {
        // The settings are the process's allocator's; setting them again is harmless.
        Mallopt(MmapThreshold, 256 << 20);
        Mallopt(TrimThreshold, 1 << 30);
        // A worker thread's arena is a chain of 64 MB heaps, and one that empties is unmapped
        // whatever the trim threshold: the next step faults it in again page by page. A top pad
        // of a whole heap keeps each heap once made.
        Mallopt(TopPad, 64 << 20);
    });

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint start, nuint length, int advice);

    /// <summary>
    /// Asks for 2 MB pages over the whole 2 MB blocks of a fresh buffer before it is first written: a
    /// buffer of weights faulted in 4 KB at a time costs the kernel a fault per page, seconds a GB on
    /// a VM. Where transparent huge pages are off (or not Linux) nothing changes.
    /// </summary>
    public static void PreferHugePages(nint start, long bytes)
    {
        const long huge = 2 << 20;
        const int MadvHugePage = 14;
        long first = (start + huge - 1) & ~(huge - 1), end = (start + bytes) & ~(huge - 1);
        if (end > first)
            OnGlibc(() => Madvise((nint)first, (nuint)(end - first), MadvHugePage));
    }

    private static void OnGlibc(Action call)
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            call();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl, say): its allocator keeps its own policy.
        }
    }
}
