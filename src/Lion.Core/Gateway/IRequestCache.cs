namespace Lion.Core.Gateway;

/// <summary>Durable storage of paid answers by request key.</summary>
public interface IRequestCache
{
    CachedReply? Find(string key);

    /// <summary>
    /// An answer stored before keys named the endpoint (a store made by an older lion), under the
    /// key without it: still valid for the run that paid for it, so an upgrade pays nothing again.
    /// </summary>
    CachedReply? FindLegacy(string key) => null;

    void Store(string key, string model, string requestJson, CachedReply reply);
}
