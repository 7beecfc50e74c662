using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Lion.Core.Config;
using Lion.Core.Gateway;

namespace Lion.Core.Students;

/// <summary>
/// The student's inference server when lion owns it: <c>student.serve_command</c> (vLLM,
/// llama.cpp's server, `lion serve`…) started on a checkpoint and a free loopback port when the
/// student must answer, ready once GET /v1/models answers, stopped before training and when the
/// run ends. Its output goes to student/server.log in the run folder; its process group is
/// recorded in student/server.json, so a server left behind by a killed lion is stopped by the next
/// one. A server that dies is started again a bounded number of times. With
/// <c>student.reload: lora</c> the server runs the base checkpoint throughout and each new
/// checkpoint, a LoRA adapter, is loaded into it (vLLM's dynamic-adapter endpoints) instead.
/// </summary>
public sealed class StudentServer(StudentSettings settings, string runFolder, Action<string> report) : IAsyncDisposable
{
    /// <summary>Starts allowed after the first for one checkpoint before the run stops.</summary>
    public const int MaxRestarts = 2;

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(10) };
    private ProcessGroup? _process;
    private string? _checkpoint;
    private string? _adapter;
    private int _restarts;

    public string LogPath => Path.Combine(runFolder, "student", "server.log");

    private string RecordPath => Path.Combine(runFolder, "student", "server.json");

    /// <summary>The server's base URL and served model, for this checkpoint; started (or restarted) if needed.</summary>
    public async Task<(Uri BaseUrl, string Model)> EnsureAsync(string checkpoint, CancellationToken cancellationToken)
    {
        if (settings.Reload == StudentReload.Lora)
            return await EnsureAdapterAsync(checkpoint, cancellationToken);
        return await EnsureServedAsync(checkpoint, cancellationToken);
    }

    /// <summary>The server on the base checkpoint, with <paramref name="checkpoint"/> loaded as a LoRA adapter (the base itself needs none).</summary>
    private async Task<(Uri BaseUrl, string Model)> EnsureAdapterAsync(string checkpoint, CancellationToken cancellationToken)
    {
        bool fresh = _process is not { HasExited: false };
        var (baseUrl, baseModel) = await EnsureServedAsync(settings.BaseCheckpoint!, cancellationToken);
        if (fresh)
            _adapter = null;
        if (Path.GetFullPath(checkpoint) == Path.GetFullPath(settings.BaseCheckpoint!))
            return (baseUrl, baseModel);
        string name = Path.GetFileName(Path.GetFullPath(checkpoint).TrimEnd('/'));
        if (_adapter != checkpoint)
        {
            if (_adapter is not null)
                await AdapterRequestAsync(baseUrl, "unload_lora_adapter", new { lora_name = Path.GetFileName(Path.GetFullPath(_adapter).TrimEnd('/')) }, cancellationToken);
            report($"  student: loading the adapter {name} into its server");
            await AdapterRequestAsync(baseUrl, "load_lora_adapter", new { lora_name = name, lora_path = Path.GetFullPath(checkpoint) }, cancellationToken);
            _adapter = checkpoint;
        }
        return (baseUrl, name);
    }

    private async Task AdapterRequestAsync(Uri baseUrl, string endpoint, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, endpoint)) { Content = JsonContent.Create(body) };
        if (Environment.GetEnvironmentVariable(settings.ApiKeyEnv) is { Length: > 0 } key)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await Http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new StudentServerException($"the student's server refused POST /v1/{endpoint} with {(int)response.StatusCode}: " +
                                             $"{await response.Content.ReadAsStringAsync(cancellationToken)} (vLLM needs --enable-lora and " +
                                             "VLLM_ALLOW_RUNTIME_LORA_UPDATING=True; lion serve needs --enable-lora)");
    }

    private async Task<(Uri BaseUrl, string Model)> EnsureServedAsync(string checkpoint, CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false } && _checkpoint == checkpoint && Current is { } running)
            return running;
        if (_process is { HasExited: true } && _checkpoint == checkpoint && ++_restarts > MaxRestarts)
            throw new StudentServerException($"the student's server exited with {_process.ExitCode} again after {MaxRestarts} restarts " +
                                             $"({LogPath}):\n{_process.Tail()}");
        if (_checkpoint != checkpoint)
            _restarts = 0;
        await StopAsync();
        return await StartAsync(checkpoint, cancellationToken);
    }

    /// <summary>Whether the server lion started has exited on its own.</summary>
    public bool HasDied => _process is { HasExited: true };

    private (Uri BaseUrl, string Model)? Current { get; set; }

    private async Task<(Uri, string)> StartAsync(string checkpoint, CancellationToken cancellationToken)
    {
        StopStale();
        int port = FreePort();
        string command = settings.ServeCommand!
            .Replace("{checkpoint}", ProcessGroup.Quote(checkpoint))
            .Replace("{port}", port.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        File.AppendAllText(LogPath, $"== lion {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}: {command}\n");
        report($"  student: starting its server on {Path.GetFileName(checkpoint.TrimEnd('/'))} (port {port})");
        _process = ProcessGroup.Start(command, LogPath);
        _checkpoint = checkpoint;
        File.WriteAllText(RecordPath, JsonSerializer.Serialize(new { pid = _process.Identity.Pid, start_time = _process.Identity.StartTime, command }));

        var baseUrl = new Uri($"http://127.0.0.1:{port}/v1/");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(settings.ServeTimeoutSeconds);
        string? apiKey = Environment.GetEnvironmentVariable(settings.ApiKeyEnv);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new StudentServerException($"the student's server exited with {_process.ExitCode} before it answered ({LogPath}):\n{_process.Tail()}");
            try
            {
                var models = await EndpointModels.ListAsync(baseUrl, apiKey, TimeSpan.FromSeconds(5), cancellationToken);
                string model = models.Contains(settings.Model) ? settings.Model
                    : models is [var only] ? only
                    : throw new StudentServerException($"the student's server serves {(models.Count == 0 ? "no model" : string.Join(", ", models))}; " +
                                                       "name the one to ask in student.model");
                Current = (baseUrl, model);
                return (baseUrl, model);
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException or JsonException
                                          && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow > deadline)
                {
                    await StopAsync();
                    throw new StudentServerException($"the student's server did not answer GET /v1/models within {settings.ServeTimeoutSeconds} s " +
                                                     $"(student.serve_timeout_seconds; {LogPath}):\n{ProcessGroup.TailOf(LogPath, 20)}");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    /// <summary>Stops the server lion started, if any: SIGTERM to its group, SIGKILL after a grace period.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
            return;
        report("  student: stopping its server");
        await _process.StopAsync(Grace);
        _process = null;
        _adapter = null;
        Current = null;
        File.Delete(RecordPath);
    }

    /// <summary>Stops a server a killed lion left running for this run, if it is still alive and still that process.</summary>
    public void StopStale()
    {
        if (!File.Exists(RecordPath))
            return;
        try
        {
            using var record = JsonDocument.Parse(File.ReadAllText(RecordPath));
            var identity = new ProcessIdentity(record.RootElement.GetProperty("pid").GetInt32(), record.RootElement.GetProperty("start_time").GetInt64(),
                record.RootElement.GetProperty("command").GetString()!);
            if (ProcessGroup.StopStale(identity))
                report($"  student: stopped the server an earlier lion left running (pid {identity.Pid})");
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // A record cut short by the kill that left it: nothing to stop by it.
        }
        File.Delete(RecordPath);
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
