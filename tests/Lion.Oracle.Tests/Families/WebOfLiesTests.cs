using Lion.Oracle.Families;

namespace Lion.Oracle.Tests.Families;

public class WebOfLiesTests
{
    [Fact]
    public void Two_people_make_a_chain_the_second_speaking_of_the_first()
    {
        var item = new WebOfLies().Generate(new Random(5), 2, "chain");

        var solution = Oracle.Solve(item.Input);

        Assert.Equal(new ItemShape("web_of_lies", "web_of_lies", 2, "chain"), solution.Shape);
        Assert.Equal(2, solution.Steps.Count);
    }

    [Fact]
    public void Two_people_cannot_make_the_any_earlier_variant()
    {
        var family = new WebOfLies();

        Assert.False(family.Exists(2, "any-earlier"));
        var error = Assert.Throws<ArgumentException>(() => family.Generate(new Random(5), 2, "any-earlier"));
        Assert.Contains("no any-earlier item of 2 people", error.Message);
    }
}
