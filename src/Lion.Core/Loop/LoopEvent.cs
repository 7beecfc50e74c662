using Lion.Core.Evaluation;
using Lion.Core.Store;

namespace Lion.Core.Loop;

/// <summary>
/// What the loop tells whoever watches it, as it happens. A host renders these (bars on a
/// terminal, plain lines in a log); nothing depends on how they are shown.
/// </summary>
public abstract record LoopEvent;

/// <summary>An iteration begins (one that is not already done).</summary>
public sealed record IterationStarted(int Iteration, int Iterations) : LoopEvent;

/// <summary>A stage of an iteration begins its work.</summary>
public sealed record StageStarted(int Iteration, LoopStage Stage) : LoopEvent;

/// <summary>
/// Counted work moved on: <paramref name="Done"/> of <paramref name="Total"/>, at
/// <paramref name="PerSecond"/> items a second since it began, with the time left at that rate
/// (null until there is a rate).
/// </summary>
public sealed record ItemsDone(int Iteration, LoopStage Stage, WorkKind Work, int Done, int Total, double PerSecond, TimeSpan? Left) : LoopEvent;

/// <summary>A sentence about the stage's work (what it will ask, what it left out).</summary>
public sealed record StageNote(string Text) : LoopEvent;

/// <summary>The student's score on one of the run's test sets after an iteration's imitation.</summary>
public sealed record IterationScored(int Iteration, TestSet Set, double Average, IReadOnlyList<TaskScore> Tasks) : LoopEvent;

/// <summary>A stage stopped unfinished; <paramref name="Detail"/> is what the store keeps beside it.</summary>
public sealed record StageStopped(int Iteration, LoopStage Stage, string Detail) : LoopEvent;

/// <summary>
/// An iteration is done. <paramref name="RunLeft"/> is the time the iterations still to come
/// would take at the pace of those done in this session.
/// </summary>
public sealed record IterationFinished(int Iteration, int Iterations, TimeSpan Took, TimeSpan? RunLeft) : LoopEvent;
