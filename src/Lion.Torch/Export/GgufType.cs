using TorchSharp;

namespace Lion.Torch.Export;

/// <summary>
/// The type a GGUF file stores its weight matrices in (norm scales and biases stay F32, as
/// llama.cpp's converter keeps them): its GGML tensor type and the file type llama.cpp names it by.
/// </summary>
public enum GgufType
{
    F32,
    F16,

    /// <summary>bfloat16: float32's range in half the bytes; a checkpoint stored in bfloat16 is written exactly.</summary>
    BF16,
}

internal static class GgufTypes
{
    /// <summary>GGML's tensor type: F32 0, F16 1, BF16 30.</summary>
    public static uint TensorType(this GgufType type) => type switch { GgufType.F32 => 0, GgufType.F16 => 1, _ => 30 };

    /// <summary>The tensor type the matrices are converted to before they are written.</summary>
    public static torch.ScalarType TorchType(this GgufType type) =>
        type switch { GgufType.F32 => torch.ScalarType.Float32, GgufType.F16 => torch.ScalarType.Float16, _ => torch.ScalarType.BFloat16 };

    /// <summary>llama.cpp's file type (general.file_type): all F32 0, mostly F16 1, mostly BF16 32.</summary>
    public static uint FileType(this GgufType type) => type switch { GgufType.F32 => 0, GgufType.F16 => 1, _ => 32 };
}
