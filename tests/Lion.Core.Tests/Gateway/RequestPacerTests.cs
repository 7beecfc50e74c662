using Lion.Core.Gateway;
using Microsoft.Extensions.Time.Testing;

namespace Lion.Core.Tests.Gateway;

public sealed class RequestPacerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_burst_of_one_seconds_worth_goes_at_once_and_the_rest_waits_its_turn()
    {
        var pacer = new RequestPacer(new RateLimits(RequestsPerMinute: 600, TokensPerMinute: int.MaxValue), _time);

        var waits = Enumerable.Range(0, 30).Select(_ => pacer.WaitAsync(1, CancellationToken.None)).ToList();

        Assert.Equal(11, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(21, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromSeconds(0.95));
        Assert.Equal(30, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public void A_minute_at_the_limit_admits_the_limit_and_one_second_of_burst()
    {
        var pacer = new RequestPacer(new RateLimits(RequestsPerMinute: 3000, TokensPerMinute: int.MaxValue), _time);

        var waits = Enumerable.Range(0, 4000).Select(_ => pacer.WaitAsync(1, CancellationToken.None)).ToList();
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(3000 + 51, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public void The_token_limit_paces_large_requests()
    {
        var pacer = new RequestPacer(new RateLimits(RequestsPerMinute: int.MaxValue, TokensPerMinute: 6000), _time);

        var waits = Enumerable.Range(0, 10).Select(_ => pacer.WaitAsync(100, CancellationToken.None)).ToList();

        // 100 tokens a second: one second of tolerance lets two through, then one a second.
        Assert.Equal(2, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(5, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public void Many_429s_slow_the_pace_and_calm_brings_it_back()
    {
        var pacer = new RequestPacer(new RateLimits(), _time);

        for (int i = 0; i < 10; i++)
            pacer.Observe(throttled: true);
        Assert.Equal(0.7, pacer.RateFactor, 3);

        for (int i = 0; i < 100; i++)
            pacer.Observe(throttled: false);
        Assert.Equal(0.805, pacer.RateFactor, 3);
    }

    [Fact]
    public void A_stray_429_among_successes_changes_nothing()
    {
        var pacer = new RequestPacer(new RateLimits(), _time);

        for (int i = 0; i < 1000; i++)
            pacer.Observe(throttled: i % 40 == 0);

        Assert.Equal(1.0, pacer.RateFactor);
    }

    [Fact]
    public void A_slower_pace_spaces_requests_further_apart()
    {
        var pacer = new RequestPacer(new RateLimits(RequestsPerMinute: 600, TokensPerMinute: int.MaxValue), _time);
        for (int i = 0; i < 10; i++)
            pacer.Observe(throttled: true);

        var waits = Enumerable.Range(0, 30).Select(_ => pacer.WaitAsync(1, CancellationToken.None)).ToList();

        // At 70 % of 10 a second, one second of tolerance admits 8.
        Assert.Equal(8, waits.Count(w => w.IsCompleted));
    }
}
