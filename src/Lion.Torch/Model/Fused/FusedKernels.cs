using static TorchSharp.torch;

namespace Lion.Torch.Model.Fused;

/// <summary>
/// The student's hand-written float32 kernels (RMSNorm, SwiGLU, rotary heads and attention, and
/// AdamW's update), each one pass where libtorch's composed operations take several: on a small
/// student these passes over memory, not the products, are what keeps the CPU from its matmul
/// peak (see docs/student.md). Which of them a model takes is chosen when it is built
/// (<see cref="ModelCompute"/>); without them the same functions run as libtorch operations, which
/// is what the kernels are tested against. Their loops are compiled optimised at first call
/// (AggressiveOptimization): a short run would end before tiered compilation got round to them.
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

    /// <summary>
    /// The kernels measured at least as fast as libtorch's operations (bench … -- kernels, --
    /// train, -- streams … libtorch): all of them with 128-, 256- or 512-bit vectors, none without
    /// a vector unit. The 128-bit figures (Arm's NEON) come from an x64 CPU with the runtime's
    /// vectors held to 128 bits, against libtorch's AVX2 operations, which are at least as wide as
    /// its NEON ones.
    /// </summary>
    public static IReadOnlySet<FusedKernel> Measured { get; } = VectorBits >= 128 ? Enum.GetValues<FusedKernel>().ToHashSet() : new HashSet<FusedKernel>();

    /// <summary>
    /// A choice as a user writes it (the command line's LION_FUSED_KERNELS): "0" none, "1" all, a
    /// list of kernels (<c>rms_norm,swiglu,attention,adamw</c>) only those, empty or null the measured set.
    /// </summary>
    /// <exception cref="ArgumentException">A word that names no kernel.</exception>
    public static IReadOnlySet<FusedKernel> Parse(string? choice) => choice?.Trim() switch
    {
        "0" => new HashSet<FusedKernel>(),
        "1" => Enum.GetValues<FusedKernel>().ToHashSet(),
        null or "" => Measured,
        { } list => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(word =>
            Lion.Core.Vocabulary<FusedKernel>.TryParse(word, out var kernel) ? kernel
                : throw new ArgumentException($"\"{word}\" is not a kernel (0, 1, or some of {Lion.Core.Vocabulary<FusedKernel>.Listing})")).ToHashSet(),
    };

    /// <summary>What a model with these kernels computes with, in words.</summary>
    public static string Describe(IReadOnlySet<FusedKernel> kernels) => kernels.Count == 0
        ? VectorBits >= 128 ? "libtorch's operations (LION_FUSED_KERNELS=0)" : "libtorch's operations (no vector unit for the fused kernels)"
        : kernels.Count == Enum.GetValues<FusedKernel>().Length ? $"fused kernels on {VectorBits}-bit vectors"
        : $"fused {string.Join(", ", kernels.Order().Select(k => Lion.Core.Vocabulary<FusedKernel>.Word(k)))} on {VectorBits}-bit vectors, libtorch's operations for the rest";

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
