namespace Lion.Oracle;

/// <summary>
/// What an item is, read back from its text: the family, the BBH task it belongs to, its size
/// (the family's difficulty knob: operands, list length, objects, steps…) and its variant
/// (phrasing or object set).
/// </summary>
public sealed record ItemShape(string Family, string Task, int Size, string Variant);
