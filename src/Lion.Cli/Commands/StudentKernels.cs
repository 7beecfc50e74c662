using Lion.Core;
using Lion.Torch.Model.Fused;

namespace Lion.Cli.Commands;

/// <summary>
/// The fused kernels the command line's students take: LION_FUSED_KERNELS=0 none, =1 all, a list
/// (<c>rms_norm,swiglu,attention,adamw,cross_entropy,decoding</c>) only those; unset, those measured faster on this CPU
/// (docs/student.md). Read here, where the process starts, and handed to each model it builds.
/// </summary>
internal static class StudentKernels
{
    public const string Variable = "LION_FUSED_KERNELS";

    public static IReadOnlySet<FusedKernel> FromEnvironment()
    {
        try
        {
            return FusedKernels.Parse(Environment.GetEnvironmentVariable(Variable));
        }
        catch (ArgumentException bad)
        {
            throw new BadInputException($"{Variable}: {bad.Message}");
        }
    }
}
