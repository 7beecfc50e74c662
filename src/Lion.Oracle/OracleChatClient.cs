using Lion.Core.Config;
using Lion.Core.Gateway;
using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Oracle;

/// <summary>
/// The oracle where an API model would stand: it reads the last user message and plays the role
/// the project's prompt templates ask for. Referee requests are graded against the exact answer;
/// generator requests get a new item like the seed; anything else is a question for the teacher,
/// with or without the student's prompt format around it. Items it cannot solve raise
/// <see cref="UnsolvableItemException"/> rather than get a guess.
/// As teacher it gives the bare answer, or its worked steps and then "So the answer is …" when
/// explaining (the options, or a request for the model <see cref="ExplainingModel"/>: a model
/// name of its own, so cached bare answers are never served for explained ones).
/// </summary>
public sealed class OracleChatClient(OracleOptions? options = null) : WholeReplyChatClient
{
    public const string ExplainingModel = "lion-oracle-explained";

    private readonly OracleOptions _options = options ?? new OracleOptions();

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null,
        CancellationToken cancellationToken = default)
    {
        var conversation = messages.ToList();
        var users = conversation.Where(m => m.Role == ChatRole.User).Select(m => m.Text).ToList();
        string text = users.LastOrDefault() ?? throw new UnsolvableItemException("the request has no user message");
        // A referee asked again keeps the referee request first and adds a reminder after it.
        string refereeRequest = users.FirstOrDefault(u => RefereePrompt.TryParse(u, out _, out _, out _)) ?? text;
        // The wrapping is drawn apart from the content, so every style says the same thing; a re-ask
        // draws from its whole conversation, so re-asks of different items do not all draw alike.
        string drawnFrom = conversation.Any(m => m.Role == ChatRole.Assistant) ? string.Join("\u0002", conversation.Select(m => m.Text)) : text;
        var style = new Random(StableHash.Of($"{drawnFrom}\u0003{chatOptions?.Seed}", _options.Seed));
        bool mishaps = _options.Style == OracleStyle.Chatty;
        var reply = RefereePrompt.TryParse(refereeRequest, out var question, out var first, out var second)
                ? Referee(question, first, second, style, mishaps)
            : GeneratorPrompt.TryParse(text, out var seed, out var kind) ? Generate(seed, kind, text, chatOptions?.Seed, style, mishaps)
            : new ChattyReplies.Reply(Teach(text, _options.Explain || chatOptions?.ModelId == ExplainingModel), false);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply.Text))
        {
            FinishReason = reply.Truncated ? ChatFinishReason.Length : ChatFinishReason.Stop,
            ModelId = chatOptions?.ModelId ?? "lion-oracle",
        });
    }

    private static string Teach(string text, bool explain)
    {
        string question = StudentPrompt.TryParse(text, out var instruction, out var input)
            ? StudentPrompt.Question(instruction, input)
            : text;
        var solution = Oracle.Solve(question);
        return explain
            ? $"{string.Join('\n', solution.Steps)}\nSo the answer is {solution.Target}."
            : solution.Target;
    }

    private ChattyReplies.Reply Referee(string question, string first, string second, Random style, bool mishaps)
    {
        var solution = Oracle.Solve(question);
        var (firstScore, firstVerdict) = OracleReferee.Grade(first, solution.Target);
        var (secondScore, secondVerdict) = OracleReferee.Grade(second, solution.Target);
        string explanation = $"The correct answer is {solution.Target}. Assistant 1 {firstVerdict}. Assistant 2 {secondVerdict}.";
        return _options.Style == OracleStyle.Plain
            ? new(RefereeReply.Format(explanation, firstScore, secondScore), false)
            : ChattyReplies.Referee(explanation, firstScore, secondScore, style, mishaps);
    }

    /// <summary>A new item like the seed; the request and its sampling seed fix the random source, as a seeded API call would.</summary>
    private ChattyReplies.Reply Generate(string seed, GenerationKind kind, string request, long? samplingSeed, Random style, bool mishaps)
    {
        var random = new Random(StableHash.Of($"{request}\u0002{samplingSeed}", _options.Seed));
        string item = NewItem(seed, kind, random);
        return _options.Style == OracleStyle.Plain
            ? new(item, false)
            : ChattyReplies.Generator(item, () => NewItem(seed, kind, style), style, mishaps);
    }

    private string NewItem(string seed, GenerationKind kind, Random random)
    {
        Solution parsed;
        try
        {
            parsed = Oracle.Solve(seed);
        }
        catch (UnsolvableItemException unknown)
        {
            var family = random.Pick(Oracle.Families);
            _options.Log?.Invoke($"generator: seed not recognised ({unknown.Message}); wrote a {family.Name} item instead");
            return family.Generate(random, family.Sizes[family.Sizes.Count / 2], family.Variants[0]).Input;
        }
        return Oracle.Like(parsed, kind == GenerationKind.Hard, random, _options.EasyMove).Input;
    }
}
