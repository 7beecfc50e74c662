using System.Text.Json.Serialization;

namespace Lion.Core.Config;

/// <summary>
/// How the built-in oracle words its referee and generator replies. The content (scores, new items) is
/// the same in every style; only the wrapping around it changes.
/// </summary>
public enum OracleStyle
{
    /// <summary>Exactly the requested formats: score lines last, the bare new instruction.</summary>
    Plain,

    /// <summary>The wrappings real chat models use, and no mishaps.</summary>
    [JsonStringEnumMemberName("chatty-wrapping")]
    ChattyWrapping,

    /// <summary>The wrappings, plus what real chat models also do now and then: refuse, stop mid-reply, send junk.</summary>
    Chatty,
}
