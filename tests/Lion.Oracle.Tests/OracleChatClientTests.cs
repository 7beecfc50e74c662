using Lion.Core.Prompts;
using Microsoft.Extensions.AI;

namespace Lion.Oracle.Tests;

public sealed class OracleChatClientTests
{
    private const string Question = "Question: Ann lies. Bob says Ann lies. Does Bob tell the truth?";
    private readonly OracleChatClient _oracle = new();

    private async Task<string> Ask(string user, OracleChatClient? oracle = null) =>
        (await (oracle ?? _oracle).GetResponseAsync([new ChatMessage(ChatRole.User, user)])).Text;

    private async Task<string> Ask(IList<ChatMessage> messages) => (await _oracle.GetResponseAsync(messages)).Text;

    [Fact]
    public async Task As_teacher_it_answers_a_bare_question_exactly()
    {
        Assert.Equal("Yes", await Ask(Question));
    }

    [Fact]
    public async Task As_teacher_it_answers_inside_the_student_prompt_format()
    {
        Assert.Equal("Yes", await Ask(StudentPrompt.Format(Question)));
        Assert.Equal("beth kenya", await Ask(StudentPrompt.Format("Sort the following words alphabetically: List: kenya beth")));
    }

    [Fact]
    public async Task With_explanations_on_it_shows_its_steps_before_the_answer()
    {
        string answer = await Ask(Question, new OracleChatClient(new OracleOptions { Explain = true }));

        Assert.EndsWith("\nSo the answer is Yes.", answer);
        Assert.Contains("Bob tells the truth", answer);
    }

    [Fact]
    public async Task Asked_as_the_explaining_model_it_works_through_each_statement_then_answers()
    {
        var response = await _oracle.GetResponseAsync([new ChatMessage(ChatRole.User, "Question: Ann lies. Bob says Ann lies. Cora says Bob lies. Does Cora tell the truth?")],
            new ChatOptions { ModelId = OracleChatClient.ExplainingModel });

        Assert.Equal("Ann lies.\nBob says Ann lies, so Bob tells the truth.\nCora says Bob lies, so Cora lies.\nSo the answer is No.", response.Text);
    }

    [Fact]
    public async Task It_refuses_a_question_it_cannot_solve_rather_than_guess()
    {
        await Assert.ThrowsAsync<UnsolvableItemException>(() => Ask("Write a poem about the sea."));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task As_referee_it_scores_the_right_answer_above_the_wrong_one_in_either_position(bool rightFirst)
    {
        var (first, second) = rightFirst ? ("Yes", "No") : ("No", "Yes");

        string reply = await Ask(RefereePrompt.Build(Question, first, second));

        Assert.True(RefereeReply.TryParse(reply, out double one, out double two, out string error), error);
        var (right, wrong) = rightFirst ? (one, two) : (two, one);
        Assert.Equal(10, right);
        Assert.Equal(2, wrong);
        Assert.StartsWith("The correct answer is Yes.", reply);
    }

    [Fact]
    public async Task As_referee_it_reads_the_final_answer_out_of_a_worked_reply()
    {
        string reply = await Ask(RefereePrompt.Build(Question, "Ann lies, so Bob's claim holds. So the answer is Yes.", ""));

        RefereeReply.TryParse(reply, out double one, out double two, out _);
        Assert.Equal((10, 1), (one, two));
    }

    [Fact]
    public async Task As_referee_it_gives_partial_credit_for_a_partly_sorted_list()
    {
        const string sorting = "Sort the following words alphabetically: List: pear apple fig kiwi";

        string reply = await Ask(RefereePrompt.Build(sorting, "apple fig kiwi pear", "apple fig pear kiwi"));

        RefereeReply.TryParse(reply, out double one, out double two, out _);
        Assert.Equal(10, one);
        Assert.InRange(two, 3, 8);
    }

    [Fact]
    public async Task As_generator_it_writes_a_hard_item_of_the_seeds_family_size_and_variant()
    {
        var seed = Oracle.Family("logical_deduction").Generate(new Random(3), 5, "vehicles");

        string made = await Ask(GeneratorPrompt.Build(seed.Input, GenerationKind.Hard));

        Assert.Equal(Oracle.Solve(seed.Input).Shape, Oracle.Solve(made).Shape);
        Assert.NotEqual(seed.Input, made);
    }

    [Fact]
    public async Task As_generator_it_writes_an_easy_item_of_the_same_family_in_a_rarer_form()
    {
        var seed = Oracle.Family("object_counting").Generate(new Random(3), 6, "animals");

        string made = await Ask(GeneratorPrompt.Build(seed.Input, GenerationKind.Easy));

        var shape = Oracle.Solve(made).Shape;
        Assert.Equal("object_counting", shape.Family);
        Assert.NotEqual("animals", shape.Variant);
    }

    [Fact]
    public async Task As_generator_it_answers_the_same_request_the_same_way()
    {
        var request = GeneratorPrompt.Build(Question, GenerationKind.Hard);

        Assert.Equal(await Ask(request), await Ask(request));
    }

    [Fact]
    public async Task An_unrecognised_seed_gets_a_valid_item_of_some_family_and_a_log_line()
    {
        var log = new List<string>();
        var oracle = new OracleChatClient(new OracleOptions { Log = log.Add });

        string made = (await oracle.GetResponseAsync(GeneratorPrompt.Build("Write a poem about the sea.", GenerationKind.Hard))).Text;

        Assert.NotNull(Oracle.Solve(made));
        Assert.Contains("seed not recognised", Assert.Single(log));
    }
}
