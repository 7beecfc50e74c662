namespace Lion.Core.Gateway;

/// <summary>Durable record of failed remote calls, retried or not, so none goes unseen.</summary>
public interface IFailureLog
{
    void Record(string role, string model, RemoteFailure failure, int attempt);
}
