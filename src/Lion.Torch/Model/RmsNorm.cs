using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lion.Torch.Model;

/// <summary>Root-mean-square layer norm (TorchSharp 0.107 has none), computed in float32 as LLaMA does.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;
#pragma warning disable IDE1006 // Hugging Face parameter names
    private readonly Parameter weight;
#pragma warning restore IDE1006

    public RmsNorm(int size, double eps) : base(nameof(RmsNorm))
    {
        _eps = eps;
        weight = new Parameter(ones(size));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(float32);
        var normed = x * rsqrt(x.pow(2).mean([-1], keepdim: true) + _eps);
        return (weight * normed.to(input.dtype)).MoveToOuterDisposeScope();
    }
}
