using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Lion.Torch.Training;

/// <summary>
/// AdamW as PyTorch defines it (decoupled weight decay, bias-corrected moments), with every
/// Scalar it passes held through the call (see <see cref="HeldScalars"/>): TorchSharp's own
/// step makes half a dozen temporaries per parameter and step. The moments save as safetensors.
/// </summary>
public sealed class AdamWOptimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly double _weightDecay;
    private readonly Tensor[] _first, _second;
    private readonly bool _fused;

    /// <param name="fused">Whether the update takes the one-pass kernel (<see cref="AdamWKernel"/>) where a parameter fits it.</param>
    public AdamWOptimizer(IReadOnlyList<Parameter> parameters, double learningRate, double weightDecay, bool fused = true)
    {
        _parameters = parameters;
        _fused = fused;
        _weightDecay = weightDecay;
        LearningRate = learningRate;
        _first = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _second = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    public double LearningRate { get; set; }

    public long Steps { get; private set; }

    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps), correction2 = 1 - Math.Pow(Beta2, Steps);
        var coefficients = new AdamWKernel.Coefficients((float)(1 - LearningRate * _weightDecay), (float)Beta1, (float)(1 - Beta1), (float)Beta2, (float)(1 - Beta2),
            (float)Math.Sqrt(correction2), (float)Epsilon, (float)(-LearningRate / correction1));
        using Scalar decay = 1 - LearningRate * _weightDecay, beta1 = Beta1, beta2 = Beta2, rest1 = 1 - Beta1, rest2 = 1 - Beta2,
            root2 = Math.Sqrt(correction2), epsilon = Epsilon, stepSize = -LearningRate / correction1;
        var slots = new List<AdamWKernel.Slot>();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            if (parameter.grad is not { } grad)
                continue;
            if (_fused && AdamWKernel.Fits(parameter, grad, _first[i], _second[i]))
            {
                slots.Add(new AdamWKernel.Slot(parameter, grad, _first[i], _second[i]));
                continue;
            }
            parameter.mul_(decay);
            _first[i].mul_(beta1).add_(grad, rest1);
            _second[i].mul_(beta2).addcmul_(grad, grad, rest2);
            var denominator = _second[i].sqrt().div_(root2).add_(epsilon, HeldScalars.One);
            parameter.addcdiv_(_first[i], denominator, stepSize);
        }
        AdamWKernel.Step(slots, coefficients);
    }

    /// <summary>Lets go of the gradients, as PyTorch's zero_grad does by default: the next backward pass writes them instead of adding to zeros.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            if (parameter.grad is { } grad)
            {
                parameter.grad = null;
                grad.Dispose();
            }
        }
    }

    public void Save(string path)
    {
        using var step = tensor(Steps);
        var tensors = new Dictionary<string, Tensor> { ["step"] = step };
        for (int i = 0; i < _parameters.Count; i++)
            (tensors[$"{i}.exp_avg"], tensors[$"{i}.exp_avg_sq"]) = (_first[i], _second[i]);
        Safetensors.SaveStateDict(path, tensors);
    }

    public void Load(string path)
    {
        var tensors = Safetensors.LoadStateDict(path);
        using var noGrad = no_grad();
        Steps = tensors["step"].item<long>();
        for (int i = 0; i < _parameters.Count; i++)
        {
            _first[i].copy_(tensors[$"{i}.exp_avg"]);
            _second[i].copy_(tensors[$"{i}.exp_avg_sq"]);
        }
        foreach (var loaded in tensors.Values)
            loaded.Dispose();
    }

    public void Dispose()
    {
        foreach (var moment in _first.Concat(_second))
            moment.Dispose();
    }
}
