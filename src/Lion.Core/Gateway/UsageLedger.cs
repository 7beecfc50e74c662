namespace Lion.Core.Gateway;

/// <summary>
/// Counts what the run pays and keeps it under its budget. Before a request goes upstream its
/// worst case (estimated prompt plus max output tokens) is reserved; a request whose worst
/// case would take paid-plus-reserved past the budget is refused before it is sent. Totals
/// start from the store, so the budget holds across restarts.
/// </summary>
public sealed class UsageLedger
{
    private readonly IUsageLog _log;
    private readonly IReadOnlyDictionary<string, ModelPrice> _prices;
    private readonly Budget _budget;
    private readonly Lock _gate = new();
    private double _paidCost;
    private long _paidTokens;
    private double _reservedCost;
    private long _reservedTokens;

    public UsageLedger(IUsageLog log, IReadOnlyDictionary<string, ModelPrice> prices, Budget budget)
    {
        _log = log;
        _prices = prices;
        _budget = budget;
        (_paidCost, _paidTokens) = log.PaidTotals();
    }

    public double PaidCost { get { lock (_gate) return _paidCost; } }

    public long PaidTokens { get { lock (_gate) return _paidTokens; } }

    /// <summary>What the tokens cost live, or through the Batch API when <paramref name="batch"/>.</summary>
    public double CostOf(string model, long inputTokens, long outputTokens, bool batch = false) =>
        _prices.TryGetValue(model, out var price) ? (batch ? price.Batch ?? price : price).Cost(inputTokens, outputTokens) : 0;

    /// <summary>
    /// Reserves a request's worst case (or a whole batch's, at the batch price), or throws
    /// <see cref="BudgetExceededException"/>.
    /// </summary>
    public Reservation Reserve(string model, long inputTokens, long maxOutputTokens, bool batch = false)
    {
        double cost = CostOf(model, inputTokens, maxOutputTokens, batch);
        long tokens = inputTokens + maxOutputTokens;
        lock (_gate)
        {
            if (_budget.MaxCost is { } maxCost && _paidCost + _reservedCost + cost > maxCost)
                throw new BudgetExceededException(
                    $"the budget of {maxCost:0.####} would be exceeded: {_paidCost:0.####} paid, " +
                    $"{_reservedCost:0.####} in flight, {(batch ? "this batch" : "this request")} up to {cost:0.####}");
            if (_budget.MaxTokens is { } maxTokens && _paidTokens + _reservedTokens + tokens > maxTokens)
                throw new BudgetExceededException(
                    $"the token budget of {maxTokens} would be exceeded: {_paidTokens} paid, " +
                    $"{_reservedTokens} in flight, {(batch ? "this batch" : "this request")} up to {tokens}");
            _reservedCost += cost;
            _reservedTokens += tokens;
        }
        return new Reservation(this, cost, tokens);
    }

    public void RecordPaid(string role, string model, long inputTokens, long outputTokens, bool batch = false)
    {
        double cost = CostOf(model, inputTokens, outputTokens, batch);
        _log.Record(new UsageEntry(role, model, Cached: false, inputTokens, outputTokens, cost, batch));
        lock (_gate)
        {
            _paidCost += cost;
            _paidTokens += inputTokens + outputTokens;
        }
    }

    public void RecordCacheHit(string role, string model, CachedReply reply) =>
        _log.Record(new UsageEntry(role, model, Cached: true, reply.InputTokens ?? 0, reply.OutputTokens ?? 0, 0));

    private void Release(double cost, long tokens)
    {
        lock (_gate)
        {
            _reservedCost -= cost;
            _reservedTokens -= tokens;
        }
    }

    /// <summary>A request's reserved worst case, released when the request ends either way.</summary>
    public sealed class Reservation(UsageLedger ledger, double cost, long tokens) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                ledger.Release(cost, tokens);
        }
    }
}
