namespace Lion.Core.Store;

/// <summary>Which instructions an export takes: one pool as it stands now, or every instruction.</summary>
public enum PoolSelection
{
    Train,
    Cache,
    All,
}
