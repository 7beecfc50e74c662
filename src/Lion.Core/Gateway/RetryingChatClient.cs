using Microsoft.Extensions.AI;

namespace Lion.Core.Gateway;

/// <summary>
/// The one place that retries. Retryable failures (<see cref="RemoteFailure.IsRetryable"/>) are
/// retried up to <see cref="RetrySettings.MaxAttempts"/> times, waiting what Retry-After asks or
/// an exponentially growing, jittered delay; every failure is reported to
/// <paramref name="onFailure"/> so it is recorded, never silently dropped. Client errors and
/// exhausted retries surface as <see cref="RemoteRequestException"/>.
/// </summary>
public sealed class RetryingChatClient(
    IChatClient inner, RetrySettings settings, Action<RemoteFailure, int>? onFailure = null, TimeProvider? time = null)
    : DelegatingChatClient(inner)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var conversation = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        for (int attempt = 1; ; attempt++)
        {
            TimeSpan delay;
            try
            {
                return await base.GetResponseAsync(conversation, options, cancellationToken).ConfigureAwait(false);
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
                delay = DelayBefore(attempt + 1, failure);
            }
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the server asked for, plus a little jitter so that clients told the same instant do
    /// not return together; otherwise half the exponential step plus a random part of the other half.
    /// </summary>
    private TimeSpan DelayBefore(int nextAttempt, RemoteFailure failure)
    {
        if (failure.RetryAfter is { } asked)
            return asked + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 100));
        double step = Math.Min(settings.MaxDelay.TotalMilliseconds,
            settings.BaseDelay.TotalMilliseconds * Math.Pow(2, nextAttempt - 2));
        return TimeSpan.FromMilliseconds(step / 2 + Random.Shared.NextDouble() * step / 2);
    }
}
