using System.Text.Json;
using Lion.Torch.Model;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Lion.Torch.Training;

/// <summary>
/// Where a training run stands: the epoch and batch to do next, the step count, the losses so
/// far. Saved with the weights and the optimiser's moments into a folder written beside its
/// target and renamed, so a kill never leaves half a state.
/// </summary>
internal sealed record TrainerState(int Epoch, int Batch, int Step, int Micro, long Tokens, double FirstEpochLoss, double EpochLossSum, int EpochBatches)
{
    private const string StateFile = "trainer.json";
    private const string WeightsFile = "model.safetensors";
    private const string OptimizerFile = "optimizer.safetensors";

    public static TrainerState Start => new(1, 0, 0, 0, 0, double.NaN, 0, 0);

    // The first epoch's loss is NaN until that epoch ends.
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static TrainerState? Load(string folder, LlamaForCausalLM model, AdamWOptimizer optimizer)
    {
        string state = Path.Combine(folder, StateFile);
        if (!File.Exists(state))
            return null;
        model.load_safetensors(Path.Combine(folder, WeightsFile), strict: true);
        optimizer.Load(Path.Combine(folder, OptimizerFile));
        return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(state), Json);
    }

    public void Save(string folder, LlamaForCausalLM model, AdamWOptimizer optimizer)
    {
        string partial = folder.TrimEnd('/') + ".partial";
        if (Directory.Exists(partial))
            Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        model.save_safetensors(Path.Combine(partial, WeightsFile));
        optimizer.Save(Path.Combine(partial, OptimizerFile));
        File.WriteAllText(Path.Combine(partial, StateFile), JsonSerializer.Serialize(this, Json));
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.Move(partial, folder);
    }
}
