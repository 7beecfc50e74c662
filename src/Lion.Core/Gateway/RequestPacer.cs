namespace Lion.Core.Gateway;

/// <summary>
/// Paces requests to the provider's per-minute limits on requests and tokens. Each request
/// reserves the next free slot of both budgets (the generic cell rate algorithm), so waiters
/// are served in arrival order, bursts never exceed one second's worth, and a full minute
/// comes as close to the limit as the provider allows.
///
/// Adaptive: when a clear share of recent replies are 429s (the configured limit is higher than
/// the provider's real one, or the key is shared), the pace drops to 70 %; while 429s stay rare
/// it climbs back. A stray 429 among many successes does not slow anything down.
/// </summary>
public sealed class RequestPacer
{
    private const int Window = 100;
    private const double ThrottledShareToSlow = 0.10;
    private const double ThrottledShareToRecover = 0.02;
    private const double Slowdown = 0.7;
    private const double Recovery = 1.15;
    private const double MinimumFactor = 0.05;

    private readonly TimeProvider _time;
    private readonly double _secondsPerRequest;
    private readonly double _secondsPerToken;
    private readonly Lock _gate = new();
    private double _requestsDueAt;
    private double _tokensDueAt;
    private int _outcomes;
    private int _throttled;

    public RequestPacer(RateLimits limits, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _secondsPerRequest = 60.0 / limits.RequestsPerMinute;
        _secondsPerToken = 60.0 / limits.TokensPerMinute;
        _requestsDueAt = _tokensDueAt = Now();
    }

    /// <summary>The share of the configured rate in use now: 1 until the provider pushes back.</summary>
    public double RateFactor { get; private set; } = 1.0;

    /// <summary>Waits until a request of <paramref name="tokens"/> tokens fits both limits.</summary>
    public Task WaitAsync(long tokens, CancellationToken cancellationToken)
    {
        double wait;
        lock (_gate)
        {
            double now = Now();
            // One second of tolerance: a burst of up to one second's worth goes at once.
            double start = Math.Max(now, Math.Max(_requestsDueAt - 1.0, _tokensDueAt - 1.0));
            _requestsDueAt = Math.Max(_requestsDueAt, start) + _secondsPerRequest / RateFactor;
            _tokensDueAt = Math.Max(_tokensDueAt, start) + tokens * _secondsPerToken / RateFactor;
            wait = start - now;
        }
        return wait <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(wait), _time, cancellationToken);
    }

    /// <summary>Counts a reply: <paramref name="throttled"/> when it was a 429.</summary>
    public void Observe(bool throttled)
    {
        lock (_gate)
        {
            _outcomes++;
            if (throttled)
                _throttled++;
            if (_throttled >= Window * ThrottledShareToSlow)
            {
                RateFactor = Math.Max(MinimumFactor, RateFactor * Slowdown);
                ResetWindow();
            }
            else if (_outcomes >= Window)
            {
                if (_throttled <= Window * ThrottledShareToRecover)
                    RateFactor = Math.Min(1.0, RateFactor * Recovery);
                ResetWindow();
            }
        }
    }

    private void ResetWindow() => _outcomes = _throttled = 0;

    private double Now() => _time.GetTimestamp() / (double)_time.TimestampFrequency;
}
