namespace Lion.Core.Store;

/// <summary>Why a generator reply was not kept, stored with the attempt as its word (<c>not_novel</c>, say).</summary>
public enum RejectReason
{
    /// <summary>Cut off at the token limit (finish reason "length").</summary>
    Truncated,
    Empty,

    /// <summary>"I'm sorry, …": no instruction.</summary>
    Refusal,
    EchoesPromptLabels,

    /// <summary>Three words or fewer.</summary>
    TooShort,
    StartsWithNonAscii,
    StartsWithPunctuation,

    /// <summary>An exact copy of a pool instruction or of one kept before it.</summary>
    Duplicate,

    /// <summary>An exact copy of a test item, which no training data may hold.</summary>
    HeldOut,

    /// <summary>ROUGE-L above the threshold against the pool or an earlier kept instruction.</summary>
    NotNovel,

    /// <summary>Its kind had all it wanted when it came (a batch's over-ask, in runs before slots were fixed in advance).</summary>
    QuotaFilled,

    /// <summary>The endpoint refused the request for its content or length.</summary>
    Unanswerable,

    /// <summary>The provider's content filter withheld the reply.</summary>
    ContentFilter,
}
