using System.Security.Cryptography;
using System.Text;

namespace Lion.Core.Store;

public sealed partial class RunStore
{
    /// <summary>
    /// A digest of what the run decided: every pool by iteration (instruction texts), every
    /// verdict, every kept generation. Two runs with the same digest made the same data, however
    /// often either was interrupted.
    /// </summary>
    public string Fingerprint() => Read(transaction =>
    {
        var text = new StringBuilder();
        foreach (var line in Rows(transaction, """
            SELECT p.pool || ' ' || p.iteration || ' ' || i.instruction || ' ' || i.input FROM pool_members p
            JOIN instructions i ON i.id = p.instruction_id ORDER BY p.pool, p.iteration, i.instruction, i.input
            """, r => r.GetString(0)))
            text.Append(line).Append('\n');
        foreach (var line in Rows(transaction, """
            SELECT v.iteration || ' ' || v.label || ' ' || v.gap || ' ' || v.order_flipped || ' ' || i.instruction FROM verdicts v
            JOIN instructions i ON i.id = v.instruction_id ORDER BY v.iteration, i.instruction
            """, r => r.GetString(0)))
            text.Append(line).Append('\n');
        foreach (var line in Rows(transaction, """
            SELECT iteration || ' ' || slot || ' ' || kind || ' ' || COALESCE(reject_reason, 'kept') || ' ' || COALESCE(candidate, '')
            FROM generation_attempts ORDER BY iteration, slot
            """, r => r.GetString(0)))
            text.Append(line).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    });
}
