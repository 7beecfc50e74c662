using System.Collections;
using System.Reflection;
using System.Text.Json;
using Lion.Core.Data;
using Lion.Core.Text;

namespace Lion.Core.Config;

/// <summary>
/// Reads a run config (JSON or YAML, snake_case keys) strictly: an unknown key, a value of the wrong
/// type or a value out of range is a <see cref="BadInputException"/> naming the file and the key
/// path ("teacher.temperature"), raised before anything is written. Keys left out keep their
/// defaults.
/// </summary>
public static class RunConfigReader
{
    public static RunConfig Read(string path)
    {
        var file = Utf8File.Read(path);
        string text = System.Text.Encoding.UTF8.GetString(file.Bytes);
        return Parse(YamlConfig.IsYaml(path) ? YamlConfig.ToJson(text, path) : text, path);
    }

    public static RunConfig Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw BadInputException.AtLine(source, (int)(error.LineNumber ?? 0) + 1, "malformed JSON in the config file");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw BadInputException.AtLine(source, 1, "a config file holds one JSON object");
            var config = (RunConfig)ReadObject(document.RootElement, typeof(RunConfig), new RunConfig(), "", source);
            Validate(config, source);
            return config;
        }
    }

    public static string ToJson(RunConfig config) => JsonSerializer.Serialize(config, Json);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        IgnoreReadOnlyProperties = true,
        // Nulls are written: a null that overrides a default (temperature: not sent) must read back as null.
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
        Converters = { new VocabularyJsonConverter() },
    };

    private static object ReadObject(JsonElement element, Type type, object current, string path, string source)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(source, path, "must be an object");
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null)
            .ToDictionary(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            string key = Join(path, member.Name);
            if (!seen.Add(member.Name))
                throw Error(source, key, "appears twice (a config names each key once)");
            if (!properties.TryGetValue(member.Name, out var property))
                throw Error(source, key, $"unknown key (known: {string.Join(", ", properties.Keys.Order())})");
            property.SetValue(current, ReadValue(member.Value, property.PropertyType, property.GetValue(current), key, source));
        }
        return current;
    }

    private static object? ReadValue(JsonElement value, Type type, object? current, string path, string source)
    {
        if (value.ValueKind == JsonValueKind.Null && !type.IsValueType)
            return null;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
            return value.ValueKind == JsonValueKind.Null ? null : ReadValue(value, underlying, current, path, source);
        if (type == typeof(string))
            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error(source, path, "must be a string");
        if (type == typeof(int))
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int i) ? i : throw Error(source, path, "must be a whole number");
        if (type == typeof(long))
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long l) ? l : throw Error(source, path, "must be a whole number");
        if (type == typeof(double))
            return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Error(source, path, "must be a number");
        if (type == typeof(bool))
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Error(source, path, "must be true or false");
        if (type.IsEnum)
            return value.ValueKind == JsonValueKind.String && Word(type, value.GetString()!) is { } word
                ? word
                : throw Error(source, path, $"must be {Words(type)}");
        if (type == typeof(JsonElement))
            return value.Clone();
        if (type == typeof(HardEasyRatio))
            return value.ValueKind == JsonValueKind.String && HardEasyRatio.TryParse(value.GetString()!, out var ratio)
                ? ratio
                : throw Error(source, path, $"must be two whole numbers from 0 to {HardEasyRatio.MaxPart} like \"1:1\" or \"3:1\", not both zero (got {value.GetRawText()})");
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (value.ValueKind != JsonValueKind.Object)
                throw Error(source, path, "must be an object");
            var itemType = type.GetGenericArguments()[1];
            var dictionary = (IDictionary)Activator.CreateInstance(type)!;
            foreach (var member in value.EnumerateObject())
                if (dictionary.Contains(member.Name))
                    throw Error(source, Join(path, member.Name), "appears twice (a config names each key once)");
                else
                    dictionary[member.Name] = ReadValue(member.Value, itemType, itemType == typeof(string) ? null : Activator.CreateInstance(itemType), Join(path, member.Name), source);
            return dictionary;
        }
        return ReadObject(value, type, current ?? Activator.CreateInstance(type)!, path, source);
    }

    private static void Validate(RunConfig config, string source)
    {
        void Check(bool ok, string path, string problem)
        {
            if (!ok) throw Error(source, path, problem);
        }
        // Upper bounds keep every product of these counts inside an int, far above any real run.
        Check(config.Iterations is >= 1 and <= 1000, "iterations", "must be between 1 and 1000");
        Check(config.NewInstructionsPerIteration is >= 1 and <= 10_000_000, "new_instructions_per_iteration", "must be between 1 and 10000000");
        Check(config.Threshold is >= -9 and <= 9, "threshold", "must be between -9 and 9: scores run from 1 to 10");
        Check(config.NoveltyThreshold is > 0 and <= 1, "novelty_threshold", "must be above 0 and at most 1");
        Check(config.SeedsPerGeneratorCall == 1, "seeds_per_generator_call", "only 1 is supported (as in the paper)");
        Check(config.GenerationAttemptsPerInstruction is >= 1 and <= 100, "generation_attempts_per_instruction", "must be between 1 and 100");
        Check(config.RefereeRetries is >= 0 and <= 10, "referee_retries", "must be between 0 and 10");
        Check(config.Concurrency is >= 1 and <= 1024, "concurrency", "must be between 1 and 1024");
        foreach (var (name, role) in Role.Loop.Select(role => (role.Name, config.Settings(role))))
        {
            Check(role.Temperature is null or >= 0 and <= 2, $"{name}.temperature", "must be between 0 and 2, or null (not sent)");
            Check(role.TopP is null or > 0 and <= 1, $"{name}.top_p", "must be above 0 and at most 1, or null (not sent)");
            Check(role.MaxTokens is null or >= 1 and <= 10_000_000, $"{name}.max_tokens", "must be between 1 and 10000000, or null (not sent)");
            foreach (string field in role.ExtraBody?.Keys ?? Enumerable.Empty<string>())
                Check(!Gateway.RequestShape.LionOwned.Contains(field), $"{name}.extra_body.{field}",
                    $"is set by lion itself ({string.Join(", ", Gateway.RequestShape.LionOwned)}); use {name}'s own key");
            foreach (var (header, variable) in role.Headers ?? [])
            {
                Check(Gateway.RequestShape.IsHeaderName(header), $"{name}.headers.{header}", "is not an HTTP header name");
                Check(!Gateway.RequestShape.ReservedHeaders.Contains(header), $"{name}.headers.{header}",
                    "is set by lion itself (the key goes in api_key_env)");
                Check(variable.Length > 0, $"{name}.headers.{header}", "must name the environment variable its value is read from");
            }
            Check(role.MaxTokensPerSeedWord is >= 0 and <= 10_000, $"{name}.max_tokens_per_seed_word", "must be between 0 and 10000");
            Check(role.TimeoutSeconds is > 0 and <= 86400, $"{name}.timeout_seconds", "must be above 0 and at most 86400");
            Check(role.IsOracle || Uri.TryCreate(role.Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                $"{name}.endpoint", "must be \"oracle\" or an http(s) URL ending in /v1");
            Check(!role.Batch || !role.IsOracle, $"{name}.batch", "needs an endpoint with the Batch API: the built-in oracle answers at once");
            if (!role.IsOracle && Gateway.AzureDeployment.From(role.Endpoint) is { } azure)
            {
                Check(azure.ApiVersion is not null, $"{name}.endpoint",
                    "an Azure OpenAI deployment URL needs its ?api-version=… (as the portal shows it), or use the v1 URL https://RESOURCE.openai.azure.com/openai/v1/");
                Check(!role.Batch, $"{name}.batch", "on Azure OpenAI, batches go through the v1 URL (https://RESOURCE.openai.azure.com/openai/v1/), not a deployment URL");
            }
        }
        if (config.Student.Kind == StudentKind.External)
        {
            Check(config.Student.Endpoint is not null || config.Student.ServeCommand is not null, "student.endpoint",
                "is required for an external student, unless student.serve_command starts its server");
            Check(config.Student.ServeCommand is null || config.Student.ServeCommand.Contains("{checkpoint}", StringComparison.Ordinal)
                  && config.Student.ServeCommand.Contains("{port}", StringComparison.Ordinal),
                "student.serve_command", "must name {checkpoint} and {port}, where lion puts the checkpoint to serve and the port to serve it on");
            Check(config.Student.Reload == StudentReload.Restart || config.Student.ServeCommand is not null && config.Student.BaseCheckpoint is not null,
                "student.reload", "lora needs student.serve_command and student.base_checkpoint: the server runs the base and loads each adapter");
            Check(config.Student.ServeTimeoutSeconds is > 0 and <= 86400, "student.serve_timeout_seconds", "must be above 0 and at most 86400");
            Check(config.Student.TrainCommand is not null, "student.train_command", "is required for an external student");
        }
        foreach (var (path, limits) in new[] { ("limits", config.Limits), ("teacher.limits", config.Teacher.Limits),
                     ("referee.limits", config.Referee.Limits), ("generator.limits", config.Generator.Limits) })
        {
            if (limits is null)
                continue;
            Check(limits.RequestsPerMinute >= 1, $"{path}.requests_per_minute", "must be at least 1");
            Check(limits.TokensPerMinute >= 1, $"{path}.tokens_per_minute", "must be at least 1");
            Check(limits.MaxConcurrency >= 1, $"{path}.max_concurrency", "must be at least 1");
        }
        Check(config.Retry.MaxAttempts is >= 1 and <= 100, "retry.max_attempts", "must be between 1 and 100");
        Check(config.Retry.BaseDelaySeconds is >= 0 and <= 3600, "retry.base_delay_seconds", "must be between 0 and 3600");
        Check(config.Retry.MaxDelaySeconds >= config.Retry.BaseDelaySeconds && config.Retry.MaxDelaySeconds <= 3600,
            "retry.max_delay_seconds", "must be at least retry.base_delay_seconds and at most 3600");
        Check(config.Retry.MaxRetryAfterSeconds is >= 0 and <= 86400, "retry.max_retry_after_seconds", "must be between 0 and 86400");
        Check(config.Budget.MaxCost is null or > 0, "budget.max_cost", "must be above 0");
        // A cost budget over a model without a price would count that model as free and never stop.
        if (config.Budget.MaxCost is not null && config.UnpricedModels() is [var (unpricedRole, model), ..])
            Check(false, "budget.max_cost", $"the {unpricedRole}'s model \"{model}\" has no price, so the budget cannot be kept; " +
                                             $"add prices.\"{model}\" with input_per_million and output_per_million");
        Check(config.Budget.MaxTokens is null or > 0, "budget.max_tokens", "must be above 0");
        Check(config.Batch.Discount is > 0 and <= 1, "batch.discount", "must be above 0 and at most 1");
        Check(config.Batch.CollectSeconds is >= 0 and <= 3600, "batch.collect_seconds", "must be between 0 and 3600");
        Check(config.Batch.MaxLines is >= 1 and <= 1_000_000, "batch.max_lines", "must be between 1 and 1000000");
        Check(config.Batch.MaxBytes >= 1024, "batch.max_bytes", "must be at least 1024");
        Check(config.Batch.PollSeconds is > 0 and <= 86400, "batch.poll_seconds", "must be above 0 and at most 86400");
        Check(config.Batch.MaxPollSeconds >= config.Batch.PollSeconds && config.Batch.MaxPollSeconds <= 86400,
            "batch.max_poll_seconds", "must be at least batch.poll_seconds and at most 86400");
        Check(config.Batch.MaxAttempts is >= 1 and <= 100, "batch.max_attempts", "must be between 1 and 100");
        if (config.Student.Kind is null
            && Role.Loop.Select(role => (Role: role, Settings: config.Settings(role))).FirstOrDefault(r => !r.Settings.IsOracle) is ({ Name: { } paid }, { } paidRole))
            Check(false, "student.kind", $"is required when a role asks a real model ({paid} at {paidRole.Endpoint}): torch (the in-process student, " +
                                         "trained on this machine) or external (your trainer and server); simulated, the offline stand-in " +
                                         "that learns nothing, runs only when named");
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static BadInputException Error(string source, string path, string problem) => BadInputException.InFile(source, $"{path}: {problem}");

    /// <summary>The enum value <paramref name="word"/> names in <see cref="Vocabulary{T}"/>, or null.</summary>
    private static object? Word(Type type, string word) =>
        typeof(RunConfigReader).GetMethod(nameof(WordOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [word]);

    private static object? WordOf<T>(string word) where T : struct, Enum => Vocabulary<T>.TryParse(word, out var value) ? value : null;

    private static string Words(Type type) =>
        (string)typeof(Vocabulary<>).MakeGenericType(type).GetProperty(nameof(Vocabulary<StudentKind>.Listing))!.GetValue(null)!;
}
