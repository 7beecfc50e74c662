namespace Lion.Core.Gateway;

/// <summary>
/// How any call to a remote endpoint is retried: retryable failures
/// (<see cref="RemoteFailure.IsRetryable"/>) up to <see cref="RetrySettings.MaxAttempts"/> times,
/// waiting what Retry-After asks or an exponentially growing, jittered delay; every failure is
/// reported to <c>onFailure</c> so it is recorded, never silently dropped. Client errors and
/// exhausted retries surface as <see cref="RemoteRequestException"/>.
/// </summary>
public static class RemoteRetry
{
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, RetrySettings settings,
        Action<RemoteFailure, int>? onFailure, TimeProvider time, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            TimeSpan delay;
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (RemoteFailure.From(error, cancellationToken) is { } failure)
            {
                onFailure?.Invoke(failure, attempt);
                if (!failure.IsRetryable)
                    throw new RemoteRequestException(failure, failure.Message, error);
                if (attempt >= settings.MaxAttempts)
                    throw new RemoteRequestException(failure, $"gave up after {attempt} attempts; last: {failure.Message}", error);
                if (failure.RetryAfter > settings.MaxRetryAfter)
                    throw new RemoteRequestException(failure,
                        $"the server asked to wait {failure.RetryAfter.Value.TotalSeconds:0} s, longer than the " +
                        $"{settings.MaxRetryAfter.TotalSeconds:0} s allowed (a quota, not a burst?): {failure.Message}", error);
                delay = DelayBefore(settings, attempt + 1, failure);
            }
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the server asked for, plus a little jitter so that clients told the same instant do
    /// not return together; otherwise half the exponential step plus a random part of the other half.
    /// </summary>
    private static TimeSpan DelayBefore(RetrySettings settings, int nextAttempt, RemoteFailure failure)
    {
        if (failure.RetryAfter is { } asked)
            return asked + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 100));
        double step = Math.Min(settings.MaxDelay.TotalMilliseconds,
            settings.BaseDelay.TotalMilliseconds * Math.Pow(2, nextAttempt - 2));
        return TimeSpan.FromMilliseconds(step / 2 + Random.Shared.NextDouble() * step / 2);
    }
}
