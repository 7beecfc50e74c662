using System.Text.Json;
using System.Text.Json.Nodes;
using Lion.Core;
using Lion.Torch.Model;
using Lion.Torch.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Lion.Torch.Checkpoints;

/// <summary>
/// A LoRA adapter on its own, in PEFT's layout: adapter_config.json (r, lora_alpha,
/// target_modules, base_model_name_or_path) and adapter_model.safetensors with PEFT's names
/// ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"), so vLLM, PEFT and
/// transformers load it on its base model. Loading here folds it into the base's weights.
/// </summary>
public static class PeftAdapter
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    private const string Prefix = "base_model.model.";

    /// <summary>An adapter's settings: its base model folder, rank, alpha and the projections it adapts.</summary>
    public sealed record Settings(string BaseModel, int Rank, double Alpha, IReadOnlyList<string> Targets);

    /// <summary>Whether <paramref name="folder"/> holds an adapter rather than a whole model.</summary>
    public static bool IsAdapter(string folder) =>
        File.Exists(Path.Combine(folder, ConfigFile)) && !File.Exists(Path.Combine(folder, HuggingFaceFolder.ConfigFile));

    /// <summary>Writes the adapters attached to <paramref name="model"/> (trained on <paramref name="baseModel"/>) to <paramref name="folder"/>.</summary>
    public static void Save(LlamaForCausalLM model, string folder, string baseModel, LoraOptions lora)
    {
        string partial = folder.TrimEnd('/') + ".partial";
        if (Directory.Exists(partial))
            Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        var weights = new Dictionary<string, Tensor>();
        foreach (var (path, _, adapter) in model.LoraSites())
            if (adapter is not null)
            {
                weights[$"{Prefix}{path}.lora_A.weight"] = adapter.A.detach().contiguous();
                weights[$"{Prefix}{path}.lora_B.weight"] = adapter.B.detach().contiguous();
            }
        if (weights.Count == 0)
            throw new InvalidOperationException("the model has no LoRA adapter attached");
        Safetensors.SaveStateDict(Path.Combine(partial, WeightsFile), weights);
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = Path.GetFullPath(baseModel),
            ["r"] = lora.Rank,
            ["lora_alpha"] = lora.Alpha,
            ["lora_dropout"] = 0.0,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["target_modules"] = new JsonArray([.. lora.Targets.Select(t => JsonValue.Create(t))]),
        };
        File.WriteAllText(Path.Combine(partial, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        foreach (string file in new[] { "tokenizer.json", Core.Prompts.ChatTemplate.ConfigFile })
            if (File.Exists(Path.Combine(baseModel, file)))
                File.Copy(Path.Combine(baseModel, file), Path.Combine(partial, file), overwrite: true);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.Move(partial, folder);
    }

    public static Settings ReadSettings(string folder)
    {
        string path = Path.Combine(folder, ConfigFile);
        try
        {
            var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            string baseModel = config["base_model_name_or_path"]!.GetValue<string>();
            var targets = config["target_modules"] is JsonArray list ? list.Select(t => t!.GetValue<string>()).ToList() : [];
            return new Settings(Path.IsPathRooted(baseModel) ? baseModel : Path.GetFullPath(Path.Combine(folder, baseModel)),
                config["r"]!.GetValue<int>(), config["lora_alpha"]!.GetValue<double>(), targets);
        }
        catch (Exception error) when (error is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw BadInputException.InFile(path, $"not a LoRA adapter config PEFT writes (needs base_model_name_or_path, r, lora_alpha): {error.Message}");
        }
    }

    /// <summary>The adapter's A and B by module path ("model.layers.0.self_attn.q_proj").</summary>
    public static Dictionary<string, (Tensor A, Tensor B)> Read(string folder)
    {
        var tensors = Safetensors.LoadStateDict(Path.Combine(folder, WeightsFile));
        var pairs = new Dictionary<string, (Tensor A, Tensor B)>();
        foreach (var (name, tensor) in tensors.Where(t => t.Key.EndsWith(".lora_A.weight", StringComparison.Ordinal)))
        {
            string path = name[(name.StartsWith(Prefix, StringComparison.Ordinal) ? Prefix.Length : 0)..^".lora_A.weight".Length];
            string bName = name[..^".lora_A.weight".Length] + ".lora_B.weight";
            if (!tensors.TryGetValue(bName, out var b))
                throw BadInputException.InFile(Path.Combine(folder, WeightsFile), $"{name} has no {bName}");
            pairs[path] = (tensor.to(float32), b.to(float32));
        }
        return pairs;
    }

    /// <summary>The base model with the adapter folded into its weights: W + (α/r)·B·A.</summary>
    public static void MergeInto(LlamaForCausalLM model, string folder)
    {
        var settings = ReadSettings(folder);
        var pairs = Read(folder);
        var sites = model.LoraSites().ToDictionary(s => s.Path, s => s.Projection);
        model.WeightsChanged();
        using var noGrad = no_grad();
        using var scale = (settings.Alpha / settings.Rank).ToScalar();
        foreach (var (path, (a, b)) in pairs)
        {
            if (!sites.TryGetValue(path, out var projection))
                throw BadInputException.InFile(Path.Combine(folder, WeightsFile), $"adapts {path}, which the base model does not have");
            using var update = matmul(b, a).mul_(scale);
            projection.weight!.add_(update.to(projection.weight.dtype), HeldScalars.One);
            a.Dispose();
            b.Dispose();
        }
    }
}
