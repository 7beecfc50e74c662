using Lion.Core;
using Lion.Core.Prompts;
using Lion.Torch.Model;
using Lion.Torch.Model.Fused;
using Lion.Torch.Tokenization;
using Lion.Torch.Training;
using TorchSharp;
using TorchSharp.PyBridge;

namespace Lion.Torch.Checkpoints;

/// <summary>
/// A model in the layout the whole field reads: config.json, model.safetensors (or shards with
/// their index), generation_config.json and tokenizer.json. Saving writes beside the target and
/// renames, so an interrupted save never leaves a folder that looks complete.
/// </summary>
public static class HuggingFaceFolder
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";

    /// <summary>
    /// Writes the folder; <paramref name="bfloat16"/> stores the weights as bf16 (half the size), else
    /// fp32. <paramref name="promptFormat"/>, the format the model was trained with, goes into
    /// tokenizer_config.json as its chat_template, so every tool prompts it alike.
    /// </summary>
    public static void Save(LlamaForCausalLM model, string folder, ITextTokenizer? tokenizer = null, bool bfloat16 = false,
        PromptFormat? promptFormat = null)
    {
        string partial = folder.TrimEnd('/') + ".partial";
        if (Directory.Exists(partial))
            Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        (model.Config with { TorchDtype = bfloat16 ? "bfloat16" : "float32" }).Write(Path.Combine(partial, ConfigFile));
        if (bfloat16)
        {
            using var noGrad = torch.no_grad();
            // Every handle made here is let go of here: an undisposed one (a detached view) would
            // hold its weight's storage after the model is disposed, until a collection found it.
            var weights = new Dictionary<string, torch.Tensor>();
            try
            {
                foreach (var (name, parameter) in model.named_parameters())
                {
                    using var detached = parameter.detach();
                    weights[name] = detached.to(torch.bfloat16);
                }
                Safetensors.SaveStateDict(Path.Combine(partial, WeightsFile), weights);
            }
            finally
            {
                foreach (var tensor in weights.Values)
                    tensor.Dispose();
            }
        }
        else
        {
            model.save_safetensors(Path.Combine(partial, WeightsFile));
        }
        File.WriteAllText(Path.Combine(partial, "generation_config.json"),
            $"{{\n  \"bos_token_id\": {model.Config.BosTokenId},\n  \"eos_token_id\": {model.Config.EosTokenId}\n}}\n");
        tokenizer?.Save(partial);
        if (promptFormat is { } format)
            ChatTemplate.Write(partial, format);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.Move(partial, folder);
    }

    /// <summary>
    /// The model and its tokenizer, whose vocabulary must fit the embedding. A LoRA adapter folder
    /// (PEFT's layout) loads as its base model with the adapter folded in.
    /// </summary>
    /// <param name="kernels">The fused kernels the model takes; null, those measured faster on this CPU.</param>
    public static (LlamaForCausalLM Model, ITextTokenizer Tokenizer) LoadWithTokenizer(string folder, IReadOnlySet<FusedKernel>? kernels = null)
    {
        if (PeftAdapter.IsAdapter(folder))
        {
            var (basis, tokenizer) = LoadWithTokenizer(PeftAdapter.ReadSettings(folder).BaseModel, kernels);
            PeftAdapter.MergeInto(basis, folder);
            return (basis, tokenizer);
        }
        var model = Load(folder, kernels);
        try
        {
            return (model, TokenizerFile.Load(folder, model.Config));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>"Qwen/Qwen2.5-0.5B-Instruct": an owner and a name, as the Hub names models, not a path on this machine.</summary>
    private static bool LooksLikeHubId(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"^[A-Za-z0-9][\w.-]*/[\w.-]+$") && !text.StartsWith('.');

    public static LlamaForCausalLM Load(string folder, IReadOnlySet<FusedKernel>? kernels = null)
    {
        string configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath))
            throw BadInputException.InFile(folder, Directory.Exists(folder) || !LooksLikeHubId(folder)
                ? $"not a Hugging Face model folder (no {ConfigFile})"
                : $"no such folder; a model on the Hugging Face Hub is downloaded first, e.g. `huggingface-cli download {folder} --local-dir " +
                  $"{folder.Split('/')[^1]}`, and that folder given (lion loads {string.Join(", ", LlamaConfig.Architectures)} checkpoints)");
        var config = LlamaConfig.Read(configPath);
        var model = new LlamaForCausalLM(config, kernels);
        bool single = File.Exists(Path.Combine(folder, WeightsFile));
        bool sharded = File.Exists(Path.Combine(folder, "model.safetensors.index.json"));
        if (!single && !sharded)
            throw BadInputException.InFile(folder, $"no {WeightsFile} or model.safetensors.index.json");
        try
        {
            if (single)
                model.load_safetensors(Path.Combine(folder, WeightsFile), strict: true);
            else
                model.load_checkpoint(folder, strict: true);
            GlibcHeap.ReturnFreedMemory();
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            throw BadInputException.InFile(Path.Combine(folder, single ? WeightsFile : "model.safetensors.index.json"),
                $"the weights do not match config.json: {error.Message}");
        }
        return model;
    }
}
