namespace Lion.Core.Config;

/// <summary>The in-process student made from scratch when there is no base checkpoint.</summary>
public enum FreshSize
{
    /// <summary>2 layers of 128, for tests.</summary>
    Tiny,

    /// <summary>4 layers of 256, about 3 M parameters.</summary>
    Small,
}
