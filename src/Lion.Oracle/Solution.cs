namespace Lion.Oracle;

/// <summary>An item solved: the exact target, the item's shape, and the worked steps that lead there.</summary>
public sealed record Solution(string Target, ItemShape Shape, IReadOnlyList<string> Steps);
