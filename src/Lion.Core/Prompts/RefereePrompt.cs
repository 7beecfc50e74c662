using Microsoft.Extensions.AI;

namespace Lion.Core.Prompts;

/// <summary>
/// The referee's request: a question and two answers, to be rated 1–10 each for helpfulness,
/// relevance, accuracy and level of detail, explanation first and then one score line per
/// answer (<see cref="RefereeReply"/>). The answers are fenced with markers no ordinary answer
/// contains, so the request can be read back (<see cref="TryParse"/>) by a program standing in
/// for the referee.
/// </summary>
public static class RefereePrompt
{
    public const string SystemText = "You are a careful and impartial judge of answers written by AI assistants.";

    private const string QuestionStart = "[Question]\n";
    private const string FirstStart = "\n\n[The Start of Assistant 1's Answer]\n";
    private const string FirstEnd = "\n[The End of Assistant 1's Answer]";
    private const string SecondStart = "\n\n[The Start of Assistant 2's Answer]\n";
    private const string SecondEnd = "\n[The End of Assistant 2's Answer]";

    private const string Instructions = """


        [Your Task]
        Rate how well each assistant answered the question: helpfulness, relevance, accuracy and level of detail. Each assistant gets an overall score from 1 to 10, where a higher score means a better answer. Judge only the answers' quality: the order in which they are shown and their length must not sway you.
        First explain your judgement in a few sentences. Then end with exactly two lines:
        Assistant 1: <score>
        Assistant 2: <score>
        """;

    public static IList<ChatMessage> Build(string question, string firstAnswer, string secondAnswer) =>
    [
        new(ChatRole.System, SystemText),
        new(ChatRole.User, $"{QuestionStart}{question}{FirstStart}{firstAnswer}{FirstEnd}{SecondStart}{secondAnswer}{SecondEnd}{Instructions}"),
    ];

    public static bool TryParse(string userText, out string question, out string firstAnswer, out string secondAnswer)
    {
        question = firstAnswer = secondAnswer = "";
        if (!userText.StartsWith(QuestionStart, StringComparison.Ordinal))
            return false;
        int firstStart = userText.IndexOf(FirstStart, StringComparison.Ordinal);
        int secondEnd = userText.LastIndexOf(SecondEnd, StringComparison.Ordinal);
        int secondStart = secondEnd < 0 ? -1 : userText.LastIndexOf(SecondStart, secondEnd, StringComparison.Ordinal);
        int firstEnd = secondStart < 0 ? -1 : userText.LastIndexOf(FirstEnd, secondStart, StringComparison.Ordinal);
        if (firstStart < 0 || firstEnd < firstStart || secondStart < 0)
            return false;
        question = userText[QuestionStart.Length..firstStart];
        firstAnswer = userText[(firstStart + FirstStart.Length)..firstEnd];
        secondAnswer = userText[(secondStart + SecondStart.Length)..secondEnd];
        return true;
    }
}
