namespace Lion.Core;

/// <summary>
/// Which of a run's two test sets a score is on. Both are scored after every imitation and never
/// trained on or generated; they are reported apart because they answer different questions.
/// </summary>
public enum TestSet
{
    /// <summary>Items like the training data's (<c>evaluation.bbh_data</c>): is the student learning what it is taught?</summary>
    HeldOut,

    /// <summary>Items at the sizes and variants of the benchmark itself (<c>evaluation.benchmark_sized_data</c>): is it getting where the user wants it?</summary>
    BenchmarkSized,
}
