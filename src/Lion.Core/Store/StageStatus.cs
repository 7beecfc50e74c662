namespace Lion.Core.Store;

/// <summary>Where a stage of an iteration stands.</summary>
public enum StageStatus
{
    /// <summary>Never started.</summary>
    NotStarted,

    /// <summary>Started and not finished: in progress, or the process stopped mid-stage (a rerun goes on from what is stored).</summary>
    Running,

    /// <summary>Ended with items owed (requests that failed after all their attempts); a rerun asks for exactly those.</summary>
    Stopped,

    Done,
}
