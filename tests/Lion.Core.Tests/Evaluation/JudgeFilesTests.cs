using Lion.Core.Evaluation;
using Lion.Tests;

namespace Lion.Core.Tests.Evaluation;

/// <summary>Questions and answers written here in the Vicuna / MT-bench and FastChat layouts; none is from those sets.</summary>
public sealed class JudgeFilesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void MT_bench_questions_keep_their_id_and_category_and_the_first_turn_is_judged()
    {
        string path = _folder.Write("question.jsonl",
            """{"question_id": 81, "category": "writing", "turns": ["Write a haiku about rain.", "Now make it rhyme."]}""" + "\n" +
            """{"question_id": "x2", "turns": ["Name a prime."]}""" + "\n");

        var questions = JudgeQuestionFile.Read(path);

        Assert.Equal([new JudgeQuestion("81", "writing", "Write a haiku about rain."), new JudgeQuestion("x2", "general", "Name a prime.")], questions);
    }

    [Fact]
    public void Alpaca_questions_are_numbered_and_their_input_follows_the_instruction()
    {
        string path = _folder.Write("questions.json",
            """[{"instruction": "Sort the words.", "input": "b a", "output": ""}, {"instruction": "Say hi.", "input": "", "output": ""}]""");

        var questions = JudgeQuestionFile.Read(path);

        Assert.Equal([new JudgeQuestion("1", "general", "Sort the words.\n\nb a"), new JudgeQuestion("2", "general", "Say hi.")], questions);
    }

    [Fact]
    public void A_question_without_turns_names_the_file_line_and_field()
    {
        string path = _folder.Write("question.jsonl",
            """{"question_id": 1, "turns": ["ok"]}""" + "\n" + """{"question_id": 2, "turns": "not a list"}""" + "\n");

        var error = Assert.Throws<BadInputException>(() => JudgeQuestionFile.Read(path));

        Assert.Equal($"{path}:2: field \"turns\" must be a non-empty array of strings", error.Message);
    }

    [Fact]
    public void A_repeated_question_id_is_refused()
    {
        string path = _folder.Write("question.jsonl",
            """{"question_id": 1, "turns": ["a"]}""" + "\n" + """{"question_id": 1, "turns": ["b"]}""" + "\n");

        var error = Assert.Throws<BadInputException>(() => JudgeQuestionFile.Read(path));

        Assert.Contains("question_id 1 appears 2 times", error.Message);
    }

    [Fact]
    public void FastChat_and_Vicuna_answers_are_found_by_question_id()
    {
        string fastChat = _folder.Write("fastchat.jsonl",
            """{"question_id": 81, "model_id": "m", "choices": [{"index": 0, "turns": ["Rain taps the roof.", "second turn"]}]}""" + "\n");
        string vicuna = _folder.Write("vicuna.jsonl", """{"answer_id": "a1", "question_id": 81, "text": "Drops fall."}""" + "\n");
        var question = new JudgeQuestion("81", "writing", "Write a haiku about rain.");

        Assert.Equal("Rain taps the roof.", JudgeAnswerFile.Read(fastChat).For(question));
        Assert.Equal("Drops fall.", JudgeAnswerFile.Read(vicuna).For(question));
    }

    [Fact]
    public void Answers_written_by_lion_generate_are_found_by_the_question_text()
    {
        string generated = _folder.Write("answers.jsonl",
            """{"instruction": "Sort the words.", "input": "b a", "output": "a b"}""" + "\n");

        Assert.Equal("a b", JudgeAnswerFile.Read(generated).For(new JudgeQuestion("1", "general", "Sort the words.\n\nb a")));
    }

    [Fact]
    public void A_question_without_an_answer_names_the_answer_file_and_the_question()
    {
        string path = _folder.Write("answers.jsonl", """{"question_id": 1, "text": "one"}""" + "\n");

        var error = Assert.Throws<BadInputException>(() => JudgeAnswerFile.Read(path).For(new JudgeQuestion("2", "general", "?")));

        Assert.Equal($"{path}: no answer to question_id 2", error.Message);
    }
}
