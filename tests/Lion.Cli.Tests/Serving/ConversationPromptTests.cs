using Lion.Endpoint;
using Lion.Cli.Serving;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Cli.Tests.Serving;

public sealed class ConversationPromptTests
{
    [Fact]
    public void One_user_turn_is_the_students_own_prompt()
    {
        Assert.Equal(StudentPrompt.Format(PromptFormat.Alpaca, "Sort: b a", ""),
            ConversationPrompt.Render(PromptFormat.Alpaca, [new ChatMessage(ChatRole.User, "Sort: b a")]));
        Assert.Equal(StudentPrompt.Format(PromptFormat.ChatMl, "Sort: b a", ""),
            ConversationPrompt.Render(PromptFormat.ChatMl, [new ChatMessage(ChatRole.User, "Sort: b a")]));
    }

    [Fact]
    public void A_system_message_goes_before_the_question_rather_than_being_dropped()
    {
        string prompt = ConversationPrompt.Render(PromptFormat.Plain,
            [new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "2 + 2 =")]);

        Assert.Equal(StudentPrompt.Format(PromptFormat.Plain, "Be brief.\n\n2 + 2 =", ""), prompt);
    }

    [Fact]
    public void ChatML_holds_a_whole_conversation()
    {
        string prompt = ConversationPrompt.Render(PromptFormat.ChatMl,
        [
            new ChatMessage(ChatRole.System, "S"), new ChatMessage(ChatRole.User, "U1"),
            new ChatMessage(ChatRole.Assistant, "A1"), new ChatMessage(ChatRole.User, "U2"),
        ]);

        Assert.Equal("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n"
                     + "<|im_start|>user\nU2<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void A_conversation_in_a_one_question_format_is_refused_naming_messages()
    {
        var error = Assert.Throws<InvalidRequestException>(() => ConversationPrompt.Render(PromptFormat.Alpaca,
            [new ChatMessage(ChatRole.User, "U1"), new ChatMessage(ChatRole.Assistant, "A1"), new ChatMessage(ChatRole.User, "U2")]));

        Assert.Equal("messages", error.Param);
        Assert.Contains("one user turn", error.Message);
    }

    [Fact]
    public void A_request_that_does_not_end_with_the_user_is_refused()
    {
        var error = Assert.Throws<InvalidRequestException>(() => ConversationPrompt.Render(PromptFormat.ChatMl,
            [new ChatMessage(ChatRole.User, "U1"), new ChatMessage(ChatRole.Assistant, "A1")]));

        Assert.Equal("messages", error.Param);
    }
}
