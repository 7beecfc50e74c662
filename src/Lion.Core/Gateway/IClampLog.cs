namespace Lion.Core.Gateway;

/// <summary>Durable record of requests whose max_tokens was lowered to fit the model's context, so none goes unseen.</summary>
public interface IClampLog
{
    /// <param name="asked">The output tokens the request asked for (0: it set none).</param>
    /// <param name="given">The output tokens it was sent with.</param>
    void RecordClamp(string role, string model, int asked, int given);
}
