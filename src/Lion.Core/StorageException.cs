namespace Lion.Core;

/// <summary>
/// The operating system or the disk failed under a file lion writes (the run store, an export):
/// the disk is full, the store is damaged or read-only. The message is one sentence naming the
/// path and what to do. <see cref="IsOutside"/> separates what the user fixes in the command
/// (exit 1) from what happened to the machine (exit 2).
/// </summary>
public sealed class StorageException(string message, bool isOutside, Exception? inner = null) : Exception(message, inner)
{
    public bool IsOutside { get; } = isOutside;

    /// <summary>Whether an I/O error means the disk (or the user's quota) is full.</summary>
    public static bool IsDiskFull(IOException error) =>
        error.HResult is 28 /* ENOSPC */ or 122 /* EDQUOT */ or unchecked((int)0x80070070) /* ERROR_DISK_FULL */ or unchecked((int)0x80070027);
}
