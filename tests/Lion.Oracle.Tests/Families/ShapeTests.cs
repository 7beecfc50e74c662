namespace Lion.Oracle.Tests.Families;

/// <summary>
/// The sentence shapes BIG-Bench Hard's tracking and logical-deduction items use beyond the
/// project's own wording, on items written here; and the generator writing each of them too.
/// </summary>
public sealed class ShapeTests
{
    [Fact]
    public void A_gift_exchange_where_one_person_holds_a_ball_is_read()
    {
        const string item = """
            Alice, Bob, and Claire are holding a white elephant gift exchange. At the start of the event, they are each holding a present of a different color: Alice has a pink ball, Bob has a teal present, and Claire has a gray present.
            As the event progresses, pairs of people swap gifts. First, Alice and Claire swap their gifts. Then, Bob and Claire swap their gifts. Finally, Alice and Bob swap their gifts. At the end of the event, Bob has the
            Options:
            (A) pink ball
            (B) teal present
            (C) gray present
            """;

        // Alice gray, Claire pink; then Bob pink, Claire teal; then Alice pink, Bob gray.
        Assert.Equal("(C)", Oracle.Solve(item.Trim()).Target);
    }

    private const string Preamble =
        "The following paragraphs each describe a set of three objects arranged in a fixed order. The statements are logically consistent within each paragraph. ";

    [Theory]
    // Birds the project never writes, one of them two words long, with "an".
    [InlineData("On a branch, there are three birds: a pelican, an ibis, and a blue heron. The pelican is to the left of the ibis. The blue heron is the leftmost.",
        "(A) The pelican is the rightmost\n(B) The ibis is the rightmost\n(C) The blue heron is the rightmost", "(B)")]
    // "an" before a colour that starts with a vowel.
    [InlineData("On a shelf, there are three books: an orange book, an indigo book, and a red book. The orange book is to the right of the red book. The indigo book is the rightmost.",
        "(A) The orange book is the second from the left\n(B) The indigo book is the second from the left\n(C) The red book is the second from the left", "(A)")]
    // Golfers of any name.
    [InlineData("In a golf tournament, there were three golfers: Zed, Bo, and Quinn. Zed finished above Quinn. Bo finished first.",
        "(A) Zed finished last\n(B) Bo finished last\n(C) Quinn finished last", "(C)")]
    public void Objects_outside_the_projects_own_vocabulary_are_read_by_their_wording(string paragraph, string options, string target)
    {
        Assert.Equal(target, Oracle.Solve($"{Preamble}{paragraph}\nOptions:\n{options}").Target);
    }

    [Fact]
    public void The_generator_writes_every_shape_the_reader_accepts()
    {
        var random = new Random(5);
        var tracking = Oracle.Family("tracking_shuffled_objects");
        var deduction = Oracle.Family("logical_deduction");
        var gifts = Enumerable.Range(0, 60).Select(_ => tracking.Generate(random, 3, "presents")).ToList();
        var birds = Enumerable.Range(0, 40).Select(_ => deduction.Generate(random, 5, "branch")).ToList();
        var shelves = Enumerable.Range(0, 40).Select(_ => deduction.Generate(random, 5, "shelf")).ToList();

        Assert.Contains(gifts, g => g.Input.Contains(" ball,") || g.Input.Contains(" ball."));
        Assert.Contains(birds, b => b.Input.Contains("a blue jay"));
        Assert.Contains(birds, b => b.Input.Contains("an owl"));
        Assert.Contains(shelves, s => s.Input.Contains("an orange book"));
        Assert.All(gifts.Concat(birds).Concat(shelves), item => Assert.Equal(item.Target, Oracle.Solve(item.Input).Target));
    }
}
