using System.Text.Json;
using Lion.Tests;

namespace Lion.Cli.Tests.Commands;

public sealed class TrainAndGenerateCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Data() => _folder.Write("train.jsonl",
        "{\"instruction\": \"True and False is\", \"output\": \"False\"}\n" +
        "{\"instruction\": \"not False is\", \"output\": \"True\"}\n");

    [Fact]
    public void Train_writes_a_hugging_face_folder_that_generate_answers_from()
    {
        string model = _folder.File("student");

        var trained = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", model, "--epochs", "1",
            "--gguf", _folder.File("student.gguf"));
        var answered = LionInvocation.Run("generate", "--model", model, "--prompts", Data(), "--max-new-tokens", "4");

        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Contains("Saved", trained.Output);
        Assert.True(File.Exists(Path.Combine(model, "model.safetensors")));
        Assert.Equal("GGUF"u8.ToArray(), File.ReadAllBytes(_folder.File("student.gguf"))[..4]);
        Assert.Equal(0, answered.ExitCode);
        var lines = answered.Output.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["True and False is", "not False is"], lines.Select(l => l.GetProperty("instruction").GetString()));
        Assert.All(lines, l => Assert.Equal(JsonValueKind.String, l.GetProperty("output").ValueKind));
    }

    [Fact]
    public void A_student_saved_in_bfloat16_answers_and_its_gguf_holds_bfloat16_matrices()
    {
        string model = _folder.File("student"), single = _folder.File("f32.gguf"), half = _folder.File("bf16.gguf");
        Assert.Equal(0, LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", _folder.File("other"), "--epochs", "1",
            "--gguf", single).ExitCode);

        var trained = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", model, "--epochs", "1",
            "--dtype", "bfloat16", "--gguf", half, "--gguf-type", "bf16");
        var answered = LionInvocation.Run("generate", "--model", model, "--prompts", Data(), "--max-new-tokens", "8");

        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Contains("(bf16)", trained.Output);
        Assert.InRange(new FileInfo(half).Length, new FileInfo(single).Length * 0.45, new FileInfo(single).Length * 0.6);
        Assert.True(answered.ExitCode == 0, answered.Error);
        Assert.Equal(2, answered.Output.Trim().Split('\n').Length);
    }

    [Fact]
    public void A_checkpoint_carries_its_prompt_format_and_later_commands_use_it_unless_told_otherwise()
    {
        string model = _folder.File("student");
        string gguf = _folder.File("student.gguf");
        Assert.Equal(0, LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", model, "--epochs", "1",
            "--prompt-format", "plain", "--gguf", gguf).ExitCode);

        var byDefault = LionInvocation.Run("generate", "--model", model, "--prompts", Data(), "--max-new-tokens", "6");
        var plain = LionInvocation.Run("generate", "--model", model, "--prompts", Data(), "--max-new-tokens", "6", "--prompt-format", "plain");
        var alpaca = LionInvocation.Run("generate", "--model", model, "--prompts", Data(), "--max-new-tokens", "6", "--prompt-format", "alpaca");

        Assert.Equal(Core.Prompts.PromptFormat.Plain, Core.Prompts.ChatTemplate.Read(model));
        Assert.Equal(plain.Output, byDefault.Output);
        Assert.NotEqual(alpaca.Output, byDefault.Output);
        byte[] file = File.ReadAllBytes(gguf);
        Assert.True(file.AsSpan().IndexOf("tokenizer.chat_template"u8) > 0, "the GGUF file carries the template");
    }

    [Fact]
    public void A_checkpoint_whose_template_lion_cannot_read_needs_the_format_given()
    {
        string model = _folder.File("student");
        Assert.Equal(0, LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", model, "--epochs", "1").ExitCode);
        File.WriteAllText(Path.Combine(model, "tokenizer_config.json"), """{"chat_template": "{{ messages[0]['content'] }}"}""");

        var refused = LionInvocation.Run("generate", "--model", model, "--prompts", Data(), "--max-new-tokens", "2");
        var told = LionInvocation.Run("generate", "--model", model, "--prompts", Data(), "--max-new-tokens", "2", "--prompt-format", "alpaca");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--prompt-format", refused.Error);
        Assert.Equal(0, told.ExitCode);
    }

    [Fact]
    public void A_lora_adapter_saved_alone_in_pefts_layout_answers_as_the_merged_model_and_can_be_trained_on()
    {
        string basis = _folder.File("base"), merged = _folder.File("merged"), adapter = _folder.File("adapter");
        Assert.Equal(0, LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", basis, "--epochs", "1").ExitCode);
        string[] lora = ["--base", basis, "--data", Data(), "--epochs", "2", "--lora-rank", "4", "--learning-rate", "0.01"];
        Assert.Equal(0, LionInvocation.Run(["train", .. lora, "--out", merged]).ExitCode);

        var saved = LionInvocation.Run(["train", .. lora, "--out", adapter, "--adapter"]);
        var fromMerged = LionInvocation.Run("generate", "--model", merged, "--prompts", Data(), "--max-new-tokens", "6");
        var fromAdapter = LionInvocation.Run("generate", "--model", adapter, "--prompts", Data(), "--max-new-tokens", "6");
        var trainedOn = LionInvocation.Run("train", "--base", adapter, "--data", Data(), "--out", _folder.File("adapter-2"), "--epochs", "1", "--adapter");

        Assert.True(saved.ExitCode == 0, saved.Error);
        Assert.Equal(["adapter_config.json", "adapter_model.safetensors", "tokenizer.json", "tokenizer_config.json"],
            Directory.GetFiles(adapter).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(adapter, "adapter_config.json")));
        Assert.Equal(("LORA", 4, basis), (config.RootElement.GetProperty("peft_type").GetString(), config.RootElement.GetProperty("r").GetInt32(),
            config.RootElement.GetProperty("base_model_name_or_path").GetString()));
        byte[] weights = File.ReadAllBytes(Path.Combine(adapter, "adapter_model.safetensors"));
        Assert.True(weights.AsSpan().IndexOf("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"u8) >= 0, "PEFT's tensor names");
        Assert.Equal(fromMerged.Output, fromAdapter.Output);
        // Trained: B starts at zero, so an adapter that answers as the merged model only by doing nothing would keep it there.
        Assert.Contains(Lion.Torch.Checkpoints.PeftAdapter.Read(adapter).Values, pair => pair.B.abs().max().item<float>() > 0);
        Assert.True(trainedOn.ExitCode == 0, trainedOn.Error);
    }

    [Fact]
    public void Lora_training_saves_a_plain_model_folder()
    {
        string model = _folder.File("student");

        var trained = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", model, "--epochs", "1",
            "--lora-rank", "4", "--lora-targets", "q_proj,v_proj");

        Assert.True(trained.ExitCode == 0, trained.Error);
        using var loaded = Lion.Torch.Checkpoints.HuggingFaceFolder.Load(model);
        Assert.DoesNotContain(loaded.named_parameters(), p => p.name.Contains("lora", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_training_line_without_an_answer_is_named()
    {
        string data = _folder.Write("train.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": \"no answer here\"}\n");

        var result = LionInvocation.Run("train", "--init", "tiny", "--data", data, "--out", _folder.File("student"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {data}:2: field \"output\" is missing: a training example needs the answer to learn", result.Error.Trim());
        Assert.False(Directory.Exists(_folder.File("student")));
    }

    [Fact]
    public void A_training_line_with_an_empty_answer_is_named_as_empty()
    {
        string data = _folder.Write("train.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": \"refused\", \"output\": \"  \"}\n");

        var result = LionInvocation.Run("train", "--init", "tiny", "--data", data, "--out", _folder.File("student"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {data}:2: field \"output\" is empty: a training example needs the answer to learn", result.Error.Trim());
        Assert.False(Directory.Exists(_folder.File("student")));
    }

    [Fact]
    public void A_folder_holding_files_that_are_not_a_checkpoints_is_refused_untouched()
    {
        string folder = _folder.File("my-work");
        Directory.CreateDirectory(Path.Combine(folder, "notes"));
        File.WriteAllText(Path.Combine(folder, "thesis.tex"), "mine");

        var refused = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", folder, "--epochs", "1");

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"error: {folder}: holds files that are not a checkpoint's (notes, thesis.tex); ", refused.Error);
        Assert.Contains("--overwrite", refused.Error);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "thesis.tex")));
        Assert.True(Directory.Exists(Path.Combine(folder, "notes")));
    }

    [Fact]
    public void A_checkpoint_folder_is_replaced_and_overwrite_replaces_any_folder()
    {
        string checkpoint = _folder.File("student");
        string other = _folder.File("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "old.txt"), "replace me");

        var first = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", checkpoint, "--epochs", "1");
        var again = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", checkpoint, "--epochs", "1");
        var overwritten = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", other, "--epochs", "1", "--overwrite");

        Assert.Equal((0, 0, 0), (first.ExitCode, again.ExitCode, overwritten.ExitCode));
        Assert.False(File.Exists(Path.Combine(other, "old.txt")));
        Assert.True(File.Exists(Path.Combine(other, "model.safetensors")));
    }

    [Fact]
    public void Train_needs_exactly_one_starting_point()
    {
        var result = LionInvocation.Run("train", "--data", Data(), "--out", _folder.File("student"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("give either --base DIR or --init tiny", result.Error);
    }

    [Fact]
    public void Training_on_three_workers_saves_the_model()
    {
        string model = _folder.File("student");

        var trained = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", model, "--epochs", "1", "--batch-size", "2", "--workers", "3");

        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.True(File.Exists(Path.Combine(model, "model.safetensors")));
    }

    [Fact]
    public void Gradients_accumulated_over_three_batches_make_a_third_of_the_optimiser_steps()
    {
        static int Steps(string output) =>
            int.Parse(System.Text.RegularExpressions.Regex.Match(output, @"(\d+) optimiser steps").Groups[1].Value);

        var plain = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", _folder.File("plain"), "--epochs", "3", "--batch-size", "1");
        var accumulated = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", _folder.File("accumulated"), "--epochs", "3",
            "--batch-size", "1", "--gradient-accumulation", "3");

        Assert.True(plain.ExitCode == 0 && accumulated.ExitCode == 0, plain.Error + accumulated.Error);
        Assert.True(Steps(plain.Output) >= 3, plain.Output);
        Assert.Equal(Steps(plain.Output) / 3, Steps(accumulated.Output));
    }

    [Fact]
    public void Training_with_bfloat16_products_says_so_and_saves_float32_weights()
    {
        string model = _folder.File("student");

        var trained = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", model, "--epochs", "1", "--batch-size", "2", "--precision", "bfloat16");

        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Contains("products in bfloat16", trained.Output);
        Assert.Contains("\"torch_dtype\": \"float32\"", File.ReadAllText(Path.Combine(model, "config.json")));
    }

    [Fact]
    public void Training_with_gradient_checkpointing_says_so_and_reaches_the_loss_of_a_run_without()
    {
        string[] common = ["train", "--init", "tiny", "--data", Data(), "--epochs", "2", "--batch-size", "2", "--precision", "float32"];

        var plain = LionInvocation.Run([.. common, "--out", _folder.File("plain")]);
        var checkpointed = LionInvocation.Run([.. common, "--out", _folder.File("checkpointed"), "--gradient-checkpointing"]);

        Assert.True(plain.ExitCode == 0 && checkpointed.ExitCode == 0, plain.Error + checkpointed.Error);
        Assert.Contains("gradient checkpointing", checkpointed.Output);
        Assert.DoesNotContain("gradient checkpointing", plain.Output);
        Assert.Equal(Loss(plain.Output), Loss(checkpointed.Output));
    }

    /// <summary>The "loss A → B" the saved line reports.</summary>
    private static string Loss(string output) => System.Text.RegularExpressions.Regex.Match(output, @"loss [0-9.]+ → [0-9.]+").Value;

    [Fact]
    public void An_unknown_precision_is_refused()
    {
        var result = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", _folder.File("student"), "--precision", "fp8");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fp8", result.Error);
        Assert.False(Directory.Exists(_folder.File("student")));
    }

    [Theory]
    [InlineData("--workers")]
    [InlineData("--gradient-accumulation")]
    public void A_count_below_one_is_refused(string option)
    {
        var result = LionInvocation.Run("train", "--init", "tiny", "--data", Data(), "--out", _folder.File("student"), option, "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {option} must be at least 1, got 0", result.Error.Trim());
        Assert.False(Directory.Exists(_folder.File("student")));
    }

    [Fact]
    public void Generate_names_a_folder_that_is_not_a_model()
    {
        Directory.CreateDirectory(_folder.File("empty"));

        var result = LionInvocation.Run("generate", "--model", _folder.File("empty"), "--prompts", Data());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no config.json", result.Error);
    }

    [Fact]
    public void An_out_folder_where_nothing_can_be_written_is_refused_before_any_training()
    {
        string data = _folder.Write("train.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n");
        string blocked = _folder.Write("a-file", "not a folder");

        var result = LionInvocation.Run("train", "--init", "tiny", "--data", data, "--out", Path.Combine(blocked, "student"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--out: nothing can be written there", result.Error);
        Assert.DoesNotContain("Training on", result.Output);
    }
}
