using Lion.Core.Prompts;
using Lion.Tests;

namespace Lion.Core.Tests.Prompts;

public sealed class ChatTemplateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Each_format_written_is_read_back_as_itself()
    {
        foreach (var format in Enum.GetValues<PromptFormat>())
        {
            string folder = _folder.File(Vocabulary<PromptFormat>.Word(format));
            Directory.CreateDirectory(folder);

            ChatTemplate.Write(folder, format);

            Assert.Equal(format, ChatTemplate.Read(folder));
        }
    }

    [Fact]
    public void Writing_the_template_keeps_the_rest_of_tokenizer_config()
    {
        File.WriteAllText(_folder.File(ChatTemplate.ConfigFile), """{"model_max_length": 512, "chat_template": "old"}""");

        ChatTemplate.Write(_folder.Path, PromptFormat.ChatMl);

        string written = File.ReadAllText(_folder.File(ChatTemplate.ConfigFile));
        Assert.Contains("\"model_max_length\": 512", written);
        Assert.Equal(PromptFormat.ChatMl, ChatTemplate.Read(_folder.Path));
    }

    [Fact]
    public void A_checkpoint_without_a_template_declares_no_format()
    {
        Assert.Null(ChatTemplate.Read(_folder.Path));
        File.WriteAllText(_folder.File(ChatTemplate.ConfigFile), """{"model_max_length": 512}""");
        Assert.Null(ChatTemplate.Read(_folder.Path));
    }

    [Fact]
    public void A_template_lion_did_not_write_is_refused_asking_for_the_format_never_guessed()
    {
        File.WriteAllText(_folder.File(ChatTemplate.ConfigFile),
            """{"chat_template": "{% for m in messages %}<|user|>{{ m['content'] }}{% endfor %}<|assistant|>"}""");

        var error = Assert.Throws<BadInputException>(() => ChatTemplate.Read(_folder.Path));

        Assert.Contains(ChatTemplate.ConfigFile, error.Message);
        Assert.Contains("--prompt-format", error.Message);
    }
}
