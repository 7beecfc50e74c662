using Lion.Core;
using Lion.Core.Config;

namespace Lion.Core.Tests.Config;

public sealed class RunConfigReaderTests
{
    private static BadInputException Refused(string json) =>
        Assert.Throws<BadInputException>(() => RunConfigReader.Parse(json, "lion.json"));

    [Fact]
    public void An_empty_config_is_the_papers_defaults()
    {
        var config = RunConfigReader.Parse("{}", "lion.json");

        Assert.Equal((3, 1.0, 0.7, new HardEasyRatio(1, 1)), (config.Iterations, config.Threshold, config.NoveltyThreshold, config.HardEasyRatio));
        Assert.Equal((0.7, 1024), (config.Teacher.Temperature, config.Teacher.MaxTokens));
        Assert.Equal((0.2, 512), (config.Referee.Temperature, config.Referee.MaxTokens));
        Assert.Equal((1.0, 4), (config.Generator.Temperature, config.Generator.MaxTokensPerSeedWord));
        Assert.Equal((0.7, 1024), (config.Student.Temperature, config.Student.MaxTokens));
    }

    [Fact]
    public void Keys_given_replace_defaults_and_the_rest_stay()
    {
        var config = RunConfigReader.Parse("""{"iterations": 5, "teacher": {"temperature": 0.3}}""", "lion.json");

        Assert.Equal(5, config.Iterations);
        Assert.Equal(0.3, config.Teacher.Temperature);
        Assert.Equal(1024, config.Teacher.MaxTokens);
    }

    [Fact]
    public void An_unknown_key_is_named_by_its_path()
    {
        Assert.StartsWith("lion.json: teacher.temprature: unknown key", Refused("""{"teacher": {"temprature": 0.3}}""").Message);
    }

    [Theory]
    [InlineData("""{"iterations": "three"}""", "iterations: must be a whole number")]
    [InlineData("""{"threshold": "high"}""", "threshold: must be a number")]
    [InlineData("""{"referee": 5}""", "referee: must be an object")]
    [InlineData("""{"prices": {"gpt-x": {"input_per_million": "cheap"}}}""", "prices.gpt-x.input_per_million: must be a number")]
    public void A_value_of_the_wrong_type_is_named_by_its_path(string json, string message)
    {
        Assert.Equal($"lion.json: {message}", Refused(json).Message);
    }

    [Theory]
    [InlineData("""{"iterations": 2, "iterations": 3}""", "iterations")]
    [InlineData("""{"teacher": {"model": "a", "model": "b"}}""", "teacher.model")]
    [InlineData("""{"prices": {"gpt-x": {}, "gpt-x": {}}}""", "prices.gpt-x")]
    public void A_key_given_twice_is_refused_by_its_path_as_yaml_refuses_it(string json, string path)
    {
        Assert.Equal($"lion.json: {path}: appears twice (a config names each key once)", Refused(json).Message);
    }

    [Fact]
    public void The_gateways_retries_are_read_from_the_config()
    {
        var retry = RunConfigReader.Parse("""{"retry": {"max_attempts": 3, "base_delay_seconds": 0.5}}""", "lion.json").Retry.Settings();

        Assert.Equal((3, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(60)), (retry.MaxAttempts, retry.BaseDelay, retry.MaxDelay));
    }

    [Theory]
    [InlineData("""{"threshold": 12}""", "threshold")]
    [InlineData("""{"hard_easy_ratio": "2:x"}""", "hard_easy_ratio")]
    [InlineData("""{"hard_easy_ratio": "0:0"}""", "hard_easy_ratio")]
    [InlineData("""{"hard_easy_ratio": "99999999999:1"}""", "hard_easy_ratio")]
    [InlineData("""{"hard_easy_ratio": "1:1001"}""", "hard_easy_ratio")]
    [InlineData("""{"new_instructions_per_iteration": 2000000000}""", "new_instructions_per_iteration")]
    [InlineData("""{"generation_attempts_per_instruction": 1000}""", "generation_attempts_per_instruction")]
    [InlineData("""{"generator": {"max_tokens_per_seed_word": 100000000}}""", "generator.max_tokens_per_seed_word")]
    [InlineData("""{"retry": {"max_attempts": 0}}""", "retry.max_attempts")]
    [InlineData("""{"retry": {"base_delay_seconds": 5, "max_delay_seconds": 1}}""", "retry.max_delay_seconds")]
    [InlineData("""{"novelty_threshold": 0}""", "novelty_threshold")]
    [InlineData("""{"teacher": {"temperature": 3}}""", "teacher.temperature")]
    [InlineData("""{"generator": {"endpoint": "ftp://x"}}""", "generator.endpoint")]
    [InlineData("""{"student": {"kind": "magic"}}""", "student.kind")]
    [InlineData("""{"student": {"kind": "external"}}""", "student.endpoint")]
    [InlineData("""{"selection": "clever"}""", "selection")]
    [InlineData("""{"train_on": "some"}""", "train_on")]
    [InlineData("""{"student": {"fresh_size": "huge"}}""", "student.fresh_size")]
    [InlineData("""{"student": {"precision": "fp8"}}""", "student.precision")]
    public void A_value_out_of_range_is_named_by_its_path(string json, string path)
    {
        Assert.StartsWith($"lion.json: {path}: ", Refused(json).Message);
    }

    [Fact]
    public void A_stored_config_reads_back_equal()
    {
        var config = RunConfigReader.Parse("""{"iterations": 2, "prices": {"gpt-x": {"input_per_million": 0.5}}, "budget": {"max_cost": 3}}""", "lion.json");

        var again = RunConfigReader.Parse(RunConfigReader.ToJson(config), "stored");

        Assert.Equal(RunConfigReader.ToJson(config), RunConfigReader.ToJson(again));
        Assert.Equal(0.5, again.Prices["gpt-x"].InputPerMillion);
        Assert.Equal(3, again.Budget.MaxCost);
    }

    [Fact]
    public void Gradient_checkpointing_is_off_unless_asked_and_stored_as_asked()
    {
        var plain = RunConfigReader.Parse("""{"student": {"kind": "torch"}}""", "lion.json");
        var asked = RunConfigReader.Parse("""{"student": {"kind": "torch", "gradient_checkpointing": true}}""", "lion.json");

        Assert.False(plain.Student.GradientCheckpointing);
        Assert.True(asked.Student.GradientCheckpointing);
        Assert.True(RunConfigReader.Parse(RunConfigReader.ToJson(asked), "stored").Student.GradientCheckpointing);
        Assert.StartsWith("lion.json: student.gradient_checkpointing: ", Refused("""{"student": {"gradient_checkpointing": "yes"}}""").Message);
    }

    [Fact]
    public void Words_are_read_into_their_types_and_stored_as_the_same_words()
    {
        var config = RunConfigReader.Parse("""
            {"selection": "random", "train_on": "all", "hard_easy_ratio": "3:1", "oracle": {"style": "chatty-wrapping"},
             "student": {"kind": "torch", "prompt_format": "chatml", "precision": "bfloat16", "fresh_size": "small"}}
            """, "lion.json");

        Assert.Equal((SeedSelection.Random, TrainingData.All, new HardEasyRatio(3, 1), OracleStyle.ChattyWrapping),
            (config.Selection, config.TrainOn, config.HardEasyRatio, config.Oracle.Style));
        Assert.Equal((StudentKind.Torch, Lion.Core.Prompts.PromptFormat.ChatMl, TrainingPrecision.BFloat16, FreshSize.Small),
            (config.Student.Kind, config.Student.PromptFormat, config.Student.Precision, config.Student.FreshSize));
        string stored = RunConfigReader.ToJson(config);
        Assert.Contains("\"prompt_format\": \"chatml\"", stored);
        Assert.Contains("\"style\": \"chatty-wrapping\"", stored);
        Assert.Equal(config, RunConfigReader.Parse(stored, "stored") with { Prices = config.Prices });
    }

    [Theory]
    [InlineData("""{"student": {"prompt_format": "ChatML"}}""", "student.prompt_format: must be \"alpaca\", \"chatml\" or \"plain\"")]
    [InlineData("""{"selection": 1}""", "selection: must be \"adversarial\" or \"random\"")]
    [InlineData("""{"hard_easy_ratio": "0:0"}""", "hard_easy_ratio: must be two whole numbers")]
    public void A_word_of_no_type_is_refused_naming_the_key_and_the_words(string json, string message)
    {
        Assert.Contains(message, Refused(json).Message);
    }

    [Fact]
    public void A_role_is_paced_to_its_own_limits_else_the_runs_else_the_defaults_unless_its_server_is_on_this_machine()
    {
        var config = RunConfigReader.Parse("""
            {"teacher": {"endpoint": "https://api.example.com/v1", "model": "a", "limits": {"requests_per_minute": 60}},
             "referee": {"endpoint": "https://api.example.com/v1", "model": "b"},
             "generator": {"endpoint": "http://127.0.0.1:8000/v1", "model": "c"}, "student": {"kind": "simulated"}}
            """, "lion.json");

        Assert.Equal(60, config.LimitsFor(config.Teacher)!.RequestsPerMinute);
        Assert.Equal(new LimitSettings(), config.LimitsFor(config.Referee));
        Assert.Null(config.LimitsFor(config.Generator));
        Assert.Null(config.LimitsFor(new RoleSettings()));
        var limited = config with { Limits = new LimitSettings { RequestsPerMinute = 30 } };
        Assert.Equal(30, limited.LimitsFor(limited.Generator)!.RequestsPerMinute);
        Assert.Equal(60, limited.LimitsFor(limited.Teacher)!.RequestsPerMinute);
    }

    [Fact]
    public void A_cost_budget_over_a_paid_model_without_a_price_is_refused_naming_the_model_and_the_prices_key()
    {
        var refused = Refused("""{"referee": {"endpoint": "https://api.example.com/v1", "model": "judge-x"}, "budget": {"max_cost": 5}}""");

        Assert.Equal("lion.json: budget.max_cost: the referee's model \"judge-x\" has no price, so the budget cannot be kept; " +
                     "add prices.\"judge-x\" with input_per_million and output_per_million", refused.Message);
    }

    [Fact]
    public void Roles_served_by_the_oracle_need_no_price()
    {
        var config = RunConfigReader.Parse("""{"budget": {"max_cost": 5}}""", "lion.json");

        Assert.Empty(config.UnpricedModels());
    }
}

public sealed class YamlRunConfigTests : IDisposable
{
    private readonly Lion.Tests.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_yaml_config_reads_like_its_json_twin()
    {
        string path = _folder.Write("lion.yaml", """
            iterations: 2
            hard_easy_ratio: "3:1"
            threshold: 1.5
            teacher:
              endpoint: https://api.example.com/v1
              model: gpt-x
              temperature: 0.5
            student:
              kind: torch
            budget:
              max_cost: 12
            prices:
              gpt-x:
                input_per_million: 0.5
                output_per_million: 1.5
            """);

        var config = RunConfigReader.Read(path);

        Assert.Equal((2, new HardEasyRatio(3, 1), 1.5), (config.Iterations, config.HardEasyRatio, config.Threshold));
        Assert.Equal(("https://api.example.com/v1", "gpt-x", 0.5), (config.Teacher.Endpoint, config.Teacher.Model, config.Teacher.Temperature));
        Assert.Equal(12, config.Budget.MaxCost);
    }

    [Fact]
    public void A_yaml_config_is_checked_as_strictly()
    {
        string path = _folder.Write("lion.yml", "referee:\n  temperature: hot\n");

        var error = Assert.Throws<BadInputException>(() => RunConfigReader.Read(path));

        Assert.Equal($"{path}: referee.temperature: must be a number", error.Message);
    }

    [Fact]
    public void Malformed_yaml_names_its_line()
    {
        string path = _folder.Write("lion.yaml", "iterations: 2\nteacher: [unclosed\n");

        var error = Assert.Throws<BadInputException>(() => RunConfigReader.Read(path));

        Assert.StartsWith($"{path}:", error.Message);
        Assert.Contains("malformed YAML", error.Message);
    }

    [Fact]
    public void A_batch_role_must_reach_an_endpoint_with_the_batch_api_not_the_oracle()
    {
        var error = Assert.Throws<BadInputException>(() => RunConfigReader.Parse("""{"teacher": {"batch": true}}""", "lion.json"));

        Assert.Equal("lion.json: teacher.batch: needs an endpoint with the Batch API: the built-in oracle answers at once", error.Message);
    }

    [Fact]
    public void A_batch_role_waits_on_a_whole_batch_file_of_requests_at_once()
    {
        var config = RunConfigReader.Parse("""
            {"concurrency": 8, "batch": {"max_lines": 5000, "retry_failed": "live"},
             "teacher": {"endpoint": "https://api.example.com/v1", "batch": true}, "referee": {"endpoint": "https://api.example.com/v1"},
             "student": {"kind": "external", "endpoint": "http://127.0.0.1:8001/v1", "train_command": "train {data} {output}"}}
            """, "lion.json");

        Assert.Equal((5000, 8), (config.ConcurrencyFor(config.Teacher), config.ConcurrencyFor(config.Referee)));
        Assert.Equal(Lion.Core.Config.BatchRetry.Live, config.Batch.RetryFailed);
    }

    [Fact]
    public void A_real_endpoint_without_a_student_kind_is_refused_naming_the_key_and_the_choices()
    {
        var refused = Assert.Throws<BadInputException>(() =>
            RunConfigReader.Parse("""{"teacher": {"endpoint": "https://api.openai.com/v1", "model": "gpt-4o-mini"}}""", "lion.json"));

        Assert.StartsWith("lion.json: student.kind: is required when a role asks a real model (teacher at https://api.openai.com/v1): torch", refused.Message);
        Assert.Contains("external", refused.Message);
        Assert.Contains("simulated", refused.Message);
    }

    [Theory]
    [InlineData("""{}""", "simulated")]
    [InlineData("""{"teacher": {"endpoint": "https://api.openai.com/v1"}, "student": {"kind": "simulated"}}""", "simulated")]
    [InlineData("""{"teacher": {"endpoint": "https://api.openai.com/v1"}, "student": {"kind": "torch"}}""", "torch")]
    public void The_simulated_student_runs_offline_or_when_named(string json, string runs) =>
        Assert.Equal(runs, Vocabulary<StudentKind>.Word(RunConfigReader.Parse(json, "lion.json").Student.Runs));

    [Fact]
    public void A_sampling_parameter_set_to_null_is_left_out_and_stays_null_when_stored()
    {
        var config = RunConfigReader.Parse("""{"teacher": {"temperature": null, "top_p": null, "max_tokens": null}}""", "lion.json");

        var again = RunConfigReader.Parse(RunConfigReader.ToJson(config), "stored");

        Assert.Equal((null, null, null), (again.Teacher.Temperature, again.Teacher.TopP, again.Teacher.MaxTokens));
        Assert.Equal(0.2, again.Referee.Temperature);
    }

    [Fact]
    public void Extra_body_and_headers_are_read_per_role()
    {
        var config = RunConfigReader.Parse("""
            {"teacher": {"extra_body": {"reasoning_effort": "low", "chat_template_kwargs": {"enable_thinking": false}},
                         "headers": {"OpenAI-Organization": "OPENAI_ORG"}}}
            """, "lion.json");

        Assert.Equal("low", config.Teacher.ExtraBody!["reasoning_effort"].GetString());
        Assert.False(config.Teacher.ExtraBody["chat_template_kwargs"].GetProperty("enable_thinking").GetBoolean());
        Assert.Equal("OPENAI_ORG", config.Teacher.Headers!["OpenAI-Organization"]);
    }

    [Theory]
    [InlineData("""{"referee": {"extra_body": {"temperature": 1}}}""", "referee.extra_body.temperature: is set by lion itself")]
    [InlineData("""{"teacher": {"headers": {"Authorization": "MY_TOKEN"}}}""", "teacher.headers.Authorization: is set by lion itself")]
    [InlineData("""{"teacher": {"headers": {"Bad Header": "X"}}}""", "teacher.headers.Bad Header: is not an HTTP header name")]
    [InlineData("""{"teacher": {"headers": {"X-Team": 3}}}""", "teacher.headers.X-Team: must be a string")]
    [InlineData("""{"teacher": {"endpoint": "https://r.openai.azure.com/openai/deployments/gpt4o"}}""", "teacher.endpoint: an Azure OpenAI deployment URL needs its ?api-version=")]
    [InlineData("""{"teacher": {"endpoint": "https://r.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21", "batch": true}}""", "teacher.batch: on Azure OpenAI, batches go through the v1 URL")]
    public void A_request_shape_the_config_cannot_send_is_refused_naming_the_key(string json, string message)
    {
        var error = Assert.Throws<BadInputException>(() => RunConfigReader.Parse(json, "lion.json"));

        Assert.Contains(message, error.Message);
    }
}
