namespace Lion.Core.Prompts;

/// <summary>What the generator is asked for: more like the student's failures, or rarer topics of its successes.</summary>
public enum GenerationKind
{
    Hard,
    Easy,
}
