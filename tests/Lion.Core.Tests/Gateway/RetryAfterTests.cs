using Lion.Core.Gateway;

namespace Lion.Core.Tests.Gateway;

public sealed class RetryAfterTests
{
    [Fact]
    public void Retry_after_ms_wins_over_retry_after() =>
        Assert.Equal(TimeSpan.FromMilliseconds(1500), RemoteFailure.ParseRetryAfter("1500", "2"));

    [Fact]
    public void Retry_after_in_seconds_may_have_a_fraction() =>
        Assert.Equal(TimeSpan.FromSeconds(2.5), RemoteFailure.ParseRetryAfter(null, "2.5"));

    [Fact]
    public void Retry_after_may_be_an_http_date()
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(30).ToString("r");

        var wait = RemoteFailure.ParseRetryAfter(null, at);

        Assert.InRange(wait!.Value.TotalSeconds, 28, 31);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, "soon")]
    [InlineData("-5", "-1")]
    public void Anything_else_is_no_retry_after(string? milliseconds, string? seconds) =>
        Assert.Null(RemoteFailure.ParseRetryAfter(milliseconds, seconds));
}
