using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Lion.Core.Students;

/// <summary>
/// A shell command run in a process group of its own (through setsid), its output appended to a
/// log file: stopping it stops everything it started (torchrun's workers, a server's engine),
/// SIGTERM first and SIGKILL after a grace period. Its identity (pid and the kernel's start time)
/// tells it apart from a later process that reuses the pid, so a group left behind by a killed
/// lion can be found and stopped safely.
/// </summary>
public sealed class ProcessGroup
{
    private const int SigTerm = 15, SigKill = 9;
    private readonly Process _process;

    private ProcessGroup(Process process, string log, string command)
    {
        _process = process;
        Log = log;
        Identity = new ProcessIdentity(process.Id, StartTime(process.Id) ?? 0, command);
    }

    public string Log { get; }

    public ProcessIdentity Identity { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="command"/> with /bin/sh in a new process group, its output appended to <paramref name="log"/>.</summary>
    public static ProcessGroup Start(string command, string log)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(log))!);
        string redirected = $"exec >> {Quote(log)} 2>&1\n{command}";
        var start = new ProcessStartInfo("setsid", ["/bin/sh", "-c", redirected]) { UseShellExecute = false };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start: {command}");
        return new ProcessGroup(process, log, command);
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>SIGTERM to the whole group, then SIGKILL to what is left after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Stop(Identity, SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        Stop(Identity, SigKill);
        _process.Dispose();
    }

    /// <summary>Stops a group recorded earlier, if its leader is still alive and still the process recorded (start time and command line).</summary>
    public static bool StopStale(ProcessIdentity recorded)
    {
        if (StartTime(recorded.Pid) != recorded.StartTime || !CommandLine(recorded.Pid).Contains(recorded.Command, StringComparison.Ordinal))
            return false;
        Stop(recorded, SigTerm);
        for (int i = 0; i < 50 && StartTime(recorded.Pid) == recorded.StartTime; i++)
            Thread.Sleep(100);
        Stop(recorded, SigKill);
        return true;
    }

    /// <summary>The last lines of the log, for an error message.</summary>
    public string Tail(int lines = 20) => TailOf(Log, lines);

    public static string TailOf(string log, int lines)
    {
        if (!File.Exists(log))
            return "";
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Max(0, stream.Length - 16_384), SeekOrigin.Begin);
        string text = new StreamReader(stream).ReadToEnd();
        return string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
    }

    private static void Stop(ProcessIdentity group, int signal)
    {
        // The group's leader is the process setsid made; a negative pid signals its whole group.
        if (group.Pid > 0)
            _ = Kill(-group.Pid, signal);
    }

    /// <summary>The kernel's start time of a live process (field 22 of /proc/PID/stat), or null when there is none.</summary>
    private static long? StartTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[2] == "Z" ? null : long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>A live process's arguments, joined by spaces; empty when there is none.</summary>
    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    internal static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>A process as the kernel knows it: its pid, the start time no later process with that pid shares, and the command it runs.</summary>
public sealed record ProcessIdentity(int Pid, long StartTime, string Command);
