namespace Lion.Core.Gateway;

/// <summary>
/// Raised before a request whose worst-case cost would take the run past its budget; nothing
/// was sent, and everything already paid for is stored.
/// </summary>
public sealed class BudgetExceededException(string message) : Exception(message);
