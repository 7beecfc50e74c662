using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// The switch for the student's hand-written float32 kernels (RMSNorm, SwiGLU, rotary heads,
/// and AdamW's update), each one pass where libtorch's composed operations take several: on
/// a student of a few million parameters these passes over memory, not the products, are what
/// keeps the CPU from its matmul peak (see docs/student.md). Off, the same
/// functions run as libtorch operations, which is what the kernels are tested against. Their
/// loops are compiled optimised at first call (AggressiveOptimization): a short run would end
/// before tiered compilation got round to them.
/// </summary>
public static class FusedKernels
{
    /// <summary>
    /// The widest vectors the kernels use on this CPU, in bits: 512 where AVX-512 is accelerated
    /// (<c>DOTNET_EnableAVX512=0</c> takes the narrower path on such a CPU), else the runtime's
    /// <see cref="System.Numerics.Vector{T}"/> (256 with AVX2, 128 with Arm's NEON), 0 without a vector unit.
    /// </summary>
    public static int VectorBits { get; } = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512
        : System.Numerics.Vector.IsHardwareAccelerated ? System.Numerics.Vector<float>.Count * 32 : 0;

    // Before Enabled, which is read from it.
    private static HashSet<FusedKernel> Chosen { get; } = Environment.GetEnvironmentVariable("LION_FUSED_KERNELS") switch
    {
        "0" => [],
        "1" => [.. Enum.GetValues<FusedKernel>()],
        // By measurement (bench … -- kernels): each at least as fast as libtorch's operations on 256- and 512-bit vectors.
        null or "" => VectorBits >= 256 ? [.. Enum.GetValues<FusedKernel>()] : [],
        { } list => [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(word =>
            Lion.Core.Vocabulary<FusedKernel>.TryParse(word, out var kernel) ? kernel
                : throw new ArgumentException($"LION_FUSED_KERNELS: \"{word}\" is not a kernel (0, 1, or some of {Lion.Core.Vocabulary<FusedKernel>.Listing})"))],
    };

    /// <summary>
    /// For the whole process; LION_FUSED_KERNELS=0 starts it off, =1 on, a list of kernels
    /// (<c>rms_norm,swiglu,attention,adamw</c>) on with only those. By default the kernels
    /// measured at least as fast as libtorch's operations: all of them with 256 or 512 bits,
    /// none below (docs/student.md).
    /// </summary>
    public static bool Enabled { get; set; } = Chosen.Count > 0;

    /// <summary>The kernels taken when <see cref="Enabled"/>.</summary>
    public static IReadOnlySet<FusedKernel> Kernels => Chosen;

    /// <summary>What the trainer says it computes with.</summary>
    public static string Description => !Enabled
        ? VectorBits >= 256 ? "libtorch's operations (LION_FUSED_KERNELS=0)" : $"libtorch's operations (the fused kernels are not measured faster on {VectorBits}-bit vectors)"
        : Chosen.Count == Enum.GetValues<FusedKernel>().Length ? $"fused kernels on {VectorBits}-bit vectors"
        : $"fused {string.Join(", ", Chosen.Order().Select(k => Lion.Core.Vocabulary<FusedKernel>.Word(k)))} on {VectorBits}-bit vectors, libtorch's operations for the rest";

    [ThreadStatic]
    private static bool t_off;

    /// <summary>Whether the calling thread takes <paramref name="kernel"/>'s fused path.</summary>
    internal static bool OnThisThread(FusedKernel kernel) => Enabled && !t_off && Chosen.Contains(kernel);

    /// <summary>Turns the kernels off on the calling thread until disposed (to compare the two paths side by side).</summary>
    public static IDisposable Off()
    {
        bool before = t_off;
        t_off = true;
        return new Restore(() => t_off = before);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>
    /// Runs <paramref name="body"/> over row ranges [start, end): split across libtorch's thread
    /// count for the calling thread (one on a trainer's worker, which is already one of several).
    /// </summary>
    internal static void ForRows(long rows, long rowCost, Action<long, long> body)
    {
        int threads = get_num_threads();
        // Below this many floats a row range is not worth a thread's wake-up.
        const long minimumWork = 1 << 15;
        int parts = (int)Math.Clamp(rows * rowCost / minimumWork, 1, threads);
        if (parts == 1)
        {
            body(0, rows);
            return;
        }
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p => body(rows * p / parts, rows * (p + 1) / parts));
    }
}
