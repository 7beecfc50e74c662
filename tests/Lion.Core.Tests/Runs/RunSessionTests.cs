using Lion.Core.Config;
using Lion.Core.Data;
using Lion.Core.Loop;
using Lion.Core.Runs;
using Lion.Core.Store;
using Lion.Tests;

namespace Lion.Core.Tests.Runs;

/// <summary>
/// A run in Core, end to end: a session creates the run, runs every stage of every iteration
/// against the store with scripted roles and a student that learns by heart, reports typed events
/// and ends in a typed outcome; a run stopped with items owed continues where it stopped.
/// </summary>
public sealed class RunSessionTests : IDisposable
{
    private const int SeedCount = 30;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static RunConfig Config(int concurrency = 4, int iterations = 2) => new()
    {
        Iterations = iterations,
        NewInstructionsPerIteration = 12,
        Concurrency = concurrency,
        Retry = new RetryConfig { MaxAttempts = 1 },
    };

    private static IReadOnlyList<InstructionRecord> Seeds()
    {
        var random = new Random(7);
        return Enumerable.Range(0, SeedCount)
            .Select(i => new InstructionRecord($"Explain {string.Join(" ", Enumerable.Range(0, 6).Select(_ => $"t{random.Next(1000)}"))} item {i}."))
            .ToList();
    }

    private RunSession Create(RunConfig config, string name = "run")
    {
        var session = RunSession.Claim(_folder.File(name), "test");
        session.Create(new SeedFile("seeds.txt", SeedFormat.PlainText, Seeds()), config, null, "the test config");
        return session;
    }

    private static RunHost Host(ScriptedRoles roles, RememberingStudent student) => new(_ => roles, _ => student);

    [Fact]
    public async Task A_new_run_finishes_every_iteration_keeping_the_instructions_it_wants()
    {
        using var session = Create(Config());

        var outcome = await session.RunAsync(Host(new ScriptedRoles(), new RememberingStudent()), new LoopEvents(), CancellationToken.None);

        Assert.IsType<RunOutcome.Finished>(outcome);
        Assert.Equal(12, session.Store.Loop.PoolMembers(Pool.Train, 2).Count);
        Assert.Equal(12, session.Store.Loop.PoolMembers(Pool.Train, 3).Count);
        Assert.Equal(SeedCount + 24, session.Store.Loop.PoolMembers(Pool.Cache, 3).Count);
        Assert.All(new[] { 1, 2 }, iteration => Assert.Equal(StageStatus.Done, session.Store.Loop.Stage(iteration, LoopStage.Generation).Status));
    }

    [Fact]
    public async Task Imitation_trains_the_student_on_the_teachers_answers_to_the_train_pool()
    {
        var student = new RememberingStudent();
        using var session = Create(Config(iterations: 1));

        await session.RunAsync(Host(new ScriptedRoles(), student), new LoopEvents(), CancellationToken.None);

        Assert.Equal([SeedCount], student.TrainedOn);
        var answers = session.Store.Loop.TeacherAnswers();
        Assert.All(session.Store.Loop.PoolMembers(Pool.Train, 1), item =>
            Assert.Equal(ScriptedRoles.AnswerTo(LoopContext.Question(item)), answers[item.Id].Text));
    }

    [Fact]
    public async Task Discrimination_judges_hard_exactly_the_instructions_the_student_gets_wrong()
    {
        using var session = Create(Config(iterations: 1));

        await session.RunAsync(Host(new ScriptedRoles(), new RememberingStudent()), new LoopEvents(), CancellationToken.None);

        var cache = session.Store.Loop.PoolMembers(Pool.Cache, 1).ToDictionary(item => item.Id);
        var verdicts = session.Store.Loop.Verdicts(1);
        Assert.Equal(SeedCount, verdicts.Count);
        Assert.All(verdicts, verdict => Assert.Equal(RememberingStudent.FindsHard(cache[verdict.InstructionId].Instruction),
            verdict.Label == VerdictLabel.Hard));
        Assert.Contains(verdicts, v => v.Label == VerdictLabel.Hard);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(64)]
    public async Task Generation_keeps_the_same_instructions_at_any_concurrency(int concurrency)
    {
        using var one = Create(Config(concurrency: 1), "one");
        using var many = Create(Config(concurrency: concurrency), "many");

        await one.RunAsync(Host(new ScriptedRoles(), new RememberingStudent()), new LoopEvents(), CancellationToken.None);
        await many.RunAsync(Host(new ScriptedRoles(), new RememberingStudent()), new LoopEvents(), CancellationToken.None);

        Assert.Equal(one.Store.Summary.Fingerprint(), many.Store.Summary.Fingerprint());
    }

    [Fact]
    public async Task A_stage_whose_requests_keep_failing_stops_owing_them_and_running_again_finishes_the_same_run()
    {
        var roles = new ScriptedRoles();
        string folder = _folder.File("run");
        RunOutcome stopped;
        using (var session = Create(Config()))
        {
            roles.FailAfter(0);
            stopped = await session.RunAsync(Host(roles, new RememberingStudent()), new LoopEvents(), CancellationToken.None);
            Assert.Equal(StageStatus.Stopped, session.Store.Loop.Stage(1, LoopStage.Imitation).Status);
        }
        roles.Heal();
        var events = new LoopEvents();
        using var resumed = RunSession.Claim(folder, "test");
        var finished = await resumed.RunAsync(Host(roles, new RememberingStudent()), events, CancellationToken.None);
        using var whole = Create(Config(), "whole");
        await whole.RunAsync(Host(new ScriptedRoles(), new RememberingStudent()), new LoopEvents(), CancellationToken.None);

        var owing = Assert.IsType<RunOutcome.StoppedOwing>(stopped);
        Assert.Equal((1, LoopStage.Imitation, SeedCount), (owing.Iteration, owing.Stage, owing.Owed));
        Assert.IsType<RunOutcome.Finished>(finished);
        Assert.Equal(SeedCount, events.Of<ItemsDone>().First(e => e.Work == WorkKind.TeacherAnswers).Total);
        Assert.Equal(whole.Store.Summary.Fingerprint(), resumed.Store.Summary.Fingerprint());
    }

    [Fact]
    public async Task A_generation_stopped_midway_resumes_with_the_decisions_an_uninterrupted_run_makes()
    {
        var roles = new ScriptedRoles();
        var student = new RememberingStudent();
        string folder = _folder.File("run");
        using (var session = Create(Config(iterations: 1)))
        {
            // Teacher, student and referee go through; the generator's sixth request fails, and every one after it.
            var events = new FailingAt(roles, LoopStage.Generation, after: 5);
            var outcome = await session.RunAsync(Host(roles, student), events, CancellationToken.None);
            Assert.IsType<RunOutcome.StoppedOwing>(outcome);
        }
        roles.Heal();
        using var resumed = RunSession.Claim(folder, "test");
        await resumed.RunAsync(Host(roles, student), new LoopEvents(), CancellationToken.None);
        using var whole = Create(Config(iterations: 1), "whole");
        await whole.RunAsync(Host(new ScriptedRoles(), new RememberingStudent()), new LoopEvents(), CancellationToken.None);

        Assert.Equal(whole.Store.Summary.Fingerprint(), resumed.Store.Summary.Fingerprint());
    }

    [Fact]
    public async Task Events_announce_each_iteration_and_count_work_up_to_its_total_with_a_rate()
    {
        var events = new LoopEvents();
        using var session = Create(Config());

        await session.RunAsync(Host(new ScriptedRoles(), new RememberingStudent()), events, CancellationToken.None);

        Assert.Equal([1, 2], events.Of<IterationStarted>().Select(e => e.Iteration));
        Assert.Equal([1, 2], events.Of<IterationFinished>().Select(e => e.Iteration));
        Assert.Equal(TimeSpan.Zero, events.Of<IterationFinished>().Last().RunLeft);
        foreach (var work in new[] { WorkKind.TeacherAnswers, WorkKind.StudentAnswers, WorkKind.PairsJudged, WorkKind.InstructionsKept })
        {
            var last = events.Of<ItemsDone>().Last(e => e.Iteration == 1 && e.Work == work);
            Assert.Equal(last.Total, last.Done);
            Assert.True(last.PerSecond > 0, $"{work} has no rate");
        }
        Assert.Contains(events.Of<StageStarted>(), e => e is { Iteration: 2, Stage: LoopStage.Discrimination });
    }

    [Fact]
    public async Task A_finished_run_asks_nothing_when_run_again()
    {
        var roles = new ScriptedRoles();
        string folder = _folder.File("run");
        using (var session = Create(Config()))
            await session.RunAsync(Host(roles, new RememberingStudent()), new LoopEvents(), CancellationToken.None);
        int asked = roles.Requests;
        var events = new LoopEvents();

        using var again = RunSession.Claim(folder, "test");
        var outcome = await again.RunAsync(Host(roles, new RememberingStudent()), events, CancellationToken.None);

        Assert.IsType<RunOutcome.Finished>(outcome);
        Assert.Equal(asked, roles.Requests);
        Assert.Empty(events.Of<IterationStarted>());
    }

    [Fact]
    public async Task A_cancelled_run_says_so_and_a_second_writer_is_refused_while_the_session_holds_the_folder()
    {
        using var session = Create(Config());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var outcome = await session.RunAsync(Host(new ScriptedRoles(), new RememberingStudent()), new LoopEvents(), cancelled.Token);

        Assert.IsType<RunOutcome.Cancelled>(outcome);
        Assert.Throws<BadInputException>(() => RunSession.Claim(session.Folder, "another"));
    }

    /// <summary>Lets the roles answer until a stage has had <paramref name="after"/> answers, then makes every request fail.</summary>
    private sealed class FailingAt(ScriptedRoles roles, LoopStage stage, int after) : IProgress<LoopEvent>
    {
        public void Report(LoopEvent value)
        {
            if (value is StageStarted started && started.Stage == stage)
                roles.FailAfter(after);
        }
    }
}
