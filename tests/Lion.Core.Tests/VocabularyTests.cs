using System.Text.Json;
using Lion.Core.Config;
using Lion.Core.Prompts;
using Lion.Core.Store;

namespace Lion.Core.Tests;

public sealed class VocabularyTests
{
    [Fact]
    public void Words_are_snake_case_names_unless_the_member_names_its_own()
    {
        Assert.Equal(["alpaca", "chatml", "plain"], Vocabulary<PromptFormat>.All);
        Assert.Equal(["auto", "float32", "bfloat16"], Vocabulary<TrainingPrecision>.All);
        Assert.Equal(["plain", "chatty-wrapping", "chatty"], Vocabulary<OracleStyle>.All);
        Assert.Equal("not_started", Vocabulary<StageStatus>.Word(StageStatus.NotStarted));
    }

    [Fact]
    public void Every_word_reads_back_as_its_value()
    {
        foreach (var format in Enum.GetValues<PromptFormat>())
            Assert.Equal(format, Vocabulary<PromptFormat>.Parse(Vocabulary<PromptFormat>.Word(format)));
    }

    [Fact]
    public void A_word_no_lion_writes_is_refused_naming_the_words_it_could_be()
    {
        Assert.False(Vocabulary<TrainingPrecision>.TryParse("fp16", out _));
        Assert.False(Vocabulary<TrainingPrecision>.TryParse("BFloat16", out _));
        var error = Assert.Throws<FormatException>(() => Vocabulary<Pool>.Parse("Cache"));
        Assert.Contains("\"train\" or \"cache\"", error.Message);
    }

    [Fact]
    public void Json_holds_the_words_as_values_and_as_keys()
    {
        var options = new JsonSerializerOptions { Converters = { new VocabularyJsonConverter() } };

        string json = JsonSerializer.Serialize(new Dictionary<InstructionOrigin, PromptFormat> { [InstructionOrigin.Seed] = PromptFormat.ChatMl }, options);

        Assert.Equal("""{"seed":"chatml"}""", json);
        Assert.Equal(PromptFormat.ChatMl, JsonSerializer.Deserialize<Dictionary<InstructionOrigin, PromptFormat>>(json, options)![InstructionOrigin.Seed]);
    }
}
