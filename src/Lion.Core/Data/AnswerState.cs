using System.Text.Json.Serialization;

namespace Lion.Core.Data;

/// <summary>
/// What an exported instruction's answer is: the teacher's complete answer, the seed's own
/// answer, or why there is none. Only <see cref="Answered"/> and <see cref="Seed"/> can be
/// trained on; the JSON Lines export says each record's state.
/// </summary>
public enum AnswerState
{
    /// <summary>The teacher's answer, which stopped by itself with some text.</summary>
    Answered,

    /// <summary>The answer the seed came with (the teacher has not answered it, or its answer was cut off or empty).</summary>
    Seed,

    /// <summary>Nobody has answered it yet.</summary>
    NotAsked,

    /// <summary>The teacher's answer was cut off at max_tokens.</summary>
    Truncated,

    /// <summary>The teacher's answer was empty.</summary>
    Empty,

    /// <summary>The endpoint refused it for the item's sake.</summary>
    [JsonStringEnumMemberName("unanswerable")]
    Refused,

    /// <summary>The provider's content filter refused or withheld it.</summary>
    [JsonStringEnumMemberName("content_filter")]
    ContentFiltered,
}
