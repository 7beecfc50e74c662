using System.Text.Json.Serialization;

namespace Lion.Core.Prompts;

/// <summary>How a student's prompts are written, in training and in inference alike.</summary>
public enum PromptFormat
{
    /// <summary>Alpaca's, with an optional input block, as the paper's student was trained.</summary>
    Alpaca,

    /// <summary>ChatML turns (<c>&lt;|im_start|&gt;user</c> … <c>&lt;|im_start|&gt;assistant</c>).</summary>
    [JsonStringEnumMemberName("chatml")]
    ChatMl,

    /// <summary>The question and a short "Answer:" cue, for students trained from scratch, where every prompt byte costs steps.</summary>
    Plain,
}
