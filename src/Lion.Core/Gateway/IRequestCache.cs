namespace Lion.Core.Gateway;

/// <summary>Durable storage of paid answers by request key.</summary>
public interface IRequestCache
{
    CachedReply? Find(string key);

    void Store(string key, string model, string requestJson, CachedReply reply);
}
