using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Lion.Endpoint;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lion.Testing.Providers;

/// <summary>
/// Azure OpenAI's two addressings, as its documentation gives them, on a loopback port: the
/// classic <c>POST /openai/deployments/{deployment}/chat/completions?api-version=…</c> with the key
/// in an <c>api-key</c> header (a bearer token there is refused with 401), and the v1
/// <c>POST /openai/v1/chat/completions</c>, which takes the key as <c>api-key</c> or as a bearer
/// token and the deployment as the model. Answers come from <paramref name="model"/>.
/// </summary>
public sealed class AzureOpenAiDouble : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IChatClient _model;
    private readonly string _key;
    private readonly string _deployment;
    private int _completions;

    private AzureOpenAiDouble(WebApplication app, IChatClient model, string key, string deployment)
    {
        _app = app;
        _model = model;
        _key = key;
        _deployment = deployment;
    }

    /// <summary>The origin, e.g. http://127.0.0.1:PORT (no path).</summary>
    public Uri Origin { get; private set; } = null!;

    /// <summary>Each request: its path and query, and the headers that carry a key.</summary>
    public ConcurrentQueue<(string Path, string Query, string? ApiKey, string? Authorization)> Requests { get; } = new();

    public int Answered => Volatile.Read(ref _completions);

    public static async Task<AzureOpenAiDouble> StartAsync(IChatClient model, string key, string deployment)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var double_ = new AzureOpenAiDouble(app, model, key, deployment);
        app.MapPost("/openai/deployments/{deployment}/chat/completions", (HttpContext context, string deployment) => double_.Classic(context, deployment));
        app.MapPost("/openai/v1/chat/completions", double_.V1);
        await app.StartAsync();
        double_.Origin = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return double_;
    }

    private async Task Classic(HttpContext context, string deployment)
    {
        Record(context);
        if (context.Request.Headers["api-key"] != _key)
        {
            await Error(context.Response, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
            return;
        }
        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            await Error(context.Response, 404, "404", "Resource not found");
            return;
        }
        if (deployment != _deployment)
        {
            await Error(context.Response, 404, "DeploymentNotFound", "The API deployment for this resource does not exist.");
            return;
        }
        await Answer(context, deployment);
    }

    private async Task V1(HttpContext context)
    {
        Record(context);
        string? bearer = context.Request.Headers.Authorization.ToString() is { Length: > 7 } header && header.StartsWith("Bearer ") ? header[7..] : null;
        if (context.Request.Headers["api-key"] != _key && bearer != _key)
        {
            await Error(context.Response, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint.");
            return;
        }
        await Answer(context, null);
    }

    private void Record(HttpContext context) => Requests.Enqueue((context.Request.Path, context.Request.QueryString.Value ?? "",
        context.Request.Headers["api-key"].FirstOrDefault(), context.Request.Headers.Authorization.FirstOrDefault()));

    private async Task Answer(HttpContext context, string? deployment)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body);
        var request = ChatCompletionRequest.Parse(document.RootElement);
        if (deployment is null && request.Model != _deployment)
        {
            await Error(context.Response, 404, "DeploymentNotFound", "The API deployment for this resource does not exist.");
            return;
        }
        var reply = await _model.GetResponseAsync(request.Messages, request.Options);
        int id = Interlocked.Increment(ref _completions);
        await ChatCompletionWriter.WriteCompletion(context.Response, $"chatcmpl-{id}", _deployment, reply.Text, "stop", 10, 10);
    }

    private static Task Error(HttpResponse response, int status, string code, string message)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        return response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message } }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
