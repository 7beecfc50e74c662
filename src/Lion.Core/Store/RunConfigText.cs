namespace Lion.Core.Store;

/// <summary>A run's stored config: the JSON text and the file it came from.</summary>
public sealed record RunConfigText(string Json, string? Source);
