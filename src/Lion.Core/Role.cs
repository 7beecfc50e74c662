namespace Lion.Core;

/// <summary>
/// A part a model plays for lion — the loop's teacher, referee and generator, an evaluation's
/// judge or evaluated model, an endpoint student — named as the config, the store and the logs
/// name it. Roles outside the loop are open (an evaluation names its own), so a role is a name
/// with a type, not a closed list.
/// </summary>
public readonly record struct Role
{
    public Role(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    public string Name { get; }

    public static Role Teacher { get; } = new("teacher");
    public static Role Referee { get; } = new("referee");
    public static Role Generator { get; } = new("generator");

    /// <summary>A student behind an endpoint, whose failures and fitted requests are logged as a role's.</summary>
    public static Role Student { get; } = new("student");

    /// <summary>The judge of `lion eval judge`.</summary>
    public static Role Judge { get; } = new("judge");

    /// <summary>The model `lion eval` asks.</summary>
    public static Role Evaluated { get; } = new("evaluated");

    /// <summary>The loop's three, in the order the config lists them.</summary>
    public static IReadOnlyList<Role> Loop { get; } = [Teacher, Referee, Generator];

    public override string ToString() => Name;
}
