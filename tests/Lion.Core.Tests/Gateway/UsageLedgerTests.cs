using Lion.Core.Config;
using Lion.Core.Gateway;

namespace Lion.Core.Tests.Gateway;

public sealed class UsageLedgerTests
{
    private sealed class MemoryUsageLog((double, long) start = default) : IUsageLog
    {
        public List<UsageEntry> Entries { get; } = [];
        public void Record(UsageEntry entry) => Entries.Add(entry);
        public (double Cost, long Tokens) PaidTotals() => start;
    }

    private static readonly Dictionary<string, ModelPrice> Prices = new() { ["gpt-x"] = new ModelPrice(1.0, 2.0) };

    [Fact]
    public void Cost_follows_the_price_table_per_million_tokens()
    {
        var log = new MemoryUsageLog();
        var ledger = new UsageLedger(log, Prices, Budget.None);

        ledger.RecordPaid("teacher", "gpt-x", 1_000_000, 500_000);

        Assert.Equal(2.0, ledger.PaidCost, 9);
        Assert.Equal(2.0, log.Entries.Single().Cost, 9);
    }

    [Fact]
    public void A_batch_answer_is_paid_at_the_batch_price_given_else_the_live_price_times_the_discount()
    {
        var log = new MemoryUsageLog();
        var prices = new Dictionary<string, ModelPrice>
        {
            ["gpt-x"] = RunGateway.Price(new Lion.Core.Config.PriceSettings { InputPerMillion = 1.0, OutputPerMillion = 2.0 }, 0.5),
            ["gpt-y"] = RunGateway.Price(new Lion.Core.Config.PriceSettings { InputPerMillion = 1.0, OutputPerMillion = 2.0, BatchOutputPerMillion = 0.2 }, 0.5),
        };
        var ledger = new UsageLedger(log, prices, Budget.None);

        ledger.RecordPaid("teacher", "gpt-x", 1_000_000, 500_000, batch: true);
        ledger.RecordPaid("teacher", "gpt-y", 1_000_000, 1_000_000, batch: true);

        Assert.Equal([1.0, 0.7], log.Entries.Select(e => Math.Round(e.Cost, 9)));
        Assert.All(log.Entries, e => Assert.True(e.Batch));
    }

    [Fact]
    public void A_model_without_a_price_costs_nothing_but_its_tokens_count()
    {
        var ledger = new UsageLedger(new MemoryUsageLog(), Prices, Budget.None);

        ledger.RecordPaid("teacher", "local-llama", 100, 50);

        Assert.Equal(0, ledger.PaidCost);
        Assert.Equal(150, ledger.PaidTokens);
    }

    [Fact]
    public void A_request_whose_worst_case_would_pass_the_budget_is_refused_before_it_is_sent()
    {
        var ledger = new UsageLedger(new MemoryUsageLog(), Prices, new Budget(MaxCost: 0.01));
        // Worst case of 1,000 prompt + 1,000 output tokens: 0.003.
        using (ledger.Reserve("gpt-x", 1000, 1000)) ledger.RecordPaid("teacher", "gpt-x", 1000, 1000);
        using (ledger.Reserve("gpt-x", 1000, 1000)) ledger.RecordPaid("teacher", "gpt-x", 1000, 1000);
        using (ledger.Reserve("gpt-x", 1000, 1000)) ledger.RecordPaid("teacher", "gpt-x", 1000, 1000);

        Assert.Throws<BudgetExceededException>(() => ledger.Reserve("gpt-x", 1000, 1000));
        Assert.True(ledger.PaidCost <= 0.01);
    }

    [Fact]
    public void Requests_in_flight_count_against_the_budget_until_they_end()
    {
        var ledger = new UsageLedger(new MemoryUsageLog(), Prices, new Budget(MaxTokens: 3000));

        var first = ledger.Reserve("gpt-x", 1000, 1000);
        Assert.Throws<BudgetExceededException>(() => ledger.Reserve("gpt-x", 1000, 1000));
        first.Dispose();

        using var second = ledger.Reserve("gpt-x", 1000, 1000);
    }

    [Fact]
    public void The_budget_counts_what_earlier_sessions_paid()
    {
        var ledger = new UsageLedger(new MemoryUsageLog(start: (0.009, 0)), Prices, new Budget(MaxCost: 0.01));

        Assert.Throws<BudgetExceededException>(() => ledger.Reserve("gpt-x", 1000, 1000));
    }

    [Fact]
    public void Cache_hits_are_recorded_as_free()
    {
        var log = new MemoryUsageLog();
        var ledger = new UsageLedger(log, Prices, Budget.None);

        ledger.RecordCacheHit("teacher", "gpt-x", new CachedReply("hi", "stop", "gpt-x", 10, 5));

        Assert.Equal(new UsageEntry("teacher", "gpt-x", Cached: true, 10, 5, 0), log.Entries.Single());
        Assert.Equal(0, ledger.PaidCost);
    }
}
