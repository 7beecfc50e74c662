using TorchSharp;
using static TorchSharp.torch;

namespace Lion.Torch;

/// <summary>
/// Scalars that stay reachable as long as the process. TorchSharp turns a number passed as a
/// Scalar (and the unseen alpha of tensor + tensor) into a temporary that only its finalizer frees,
/// and nothing keeps that temporary alive through the native call that reads it: a garbage
/// collection at that moment hands libtorch freed memory — "Expected false to be true … toFloat",
/// or a wrong number read without a word. Every Scalar on the student's paths is held: one of
/// these, a field, or a using declaration that outlives the call.
/// </summary>
internal static class HeldScalars
{
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The label of positions that teach nothing (prompt, padding), as Hugging Face marks them.</summary>
    public static readonly Scalar IgnoredLabel = (-100).ToScalar();

    /// <summary>left + right, without the temporary alpha of TorchSharp's operator.</summary>
    public static Tensor Plus(this Tensor left, Tensor right) => left.add(right, One);
}
