namespace Lion.Endpoint;

/// <summary>
/// Decides how the endpoint's emulated Batch API treats a batch and its lines: a batch may expire
/// before all its lines are answered, and a line may fail. Fault injection for tests stands here,
/// as it stands before live requests in <see cref="IChatRequestFilter"/>.
/// </summary>
public interface IBatchFilter
{
    /// <summary>Whether the <paramref name="batch"/>-th batch created (from 1) expires with only its first half answered.</summary>
    bool Expires(int batch);

    /// <summary>Whether a line fails with a server error rather than being answered.</summary>
    bool FailsLine(int batch, string customId, string body);
}
