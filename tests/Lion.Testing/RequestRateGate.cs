namespace Lion.Testing;

/// <summary>
/// The endpoint's own rate limit, as a provider enforces one: a token bucket refilled at the
/// per-minute rate and holding two seconds' worth, so a client that paces itself correctly is
/// never refused and one that does not is caught.
/// </summary>
internal sealed class RequestRateGate(int requestsPerMinute, TimeProvider time)
{
    private readonly double _perSecond = requestsPerMinute / 60.0;
    private readonly Lock _gate = new();
    private double _tokens = requestsPerMinute / 60.0 * 2;
    private long _last = time.GetTimestamp();

    public bool TryEnter()
    {
        lock (_gate)
        {
            long now = time.GetTimestamp();
            double capacity = _perSecond * 2;
            _tokens = Math.Min(capacity, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * _perSecond);
            _last = now;
            if (_tokens < 1)
                return false;
            _tokens -= 1;
            return true;
        }
    }
}
