namespace Lion.Oracle.Tests;

public sealed class OracleTests
{
    [Theory]
    [MemberData(nameof(HandWrittenItems.All), MemberType = typeof(HandWrittenItems))]
    public void Every_hand_written_item_solves_to_its_target(string task, string input, string target)
    {
        var solution = Oracle.Solve(input);

        Assert.Equal(target, solution.Target);
        Assert.Equal(task, solution.Shape.Task);
    }

    [Fact]
    public void Every_family_and_variant_has_a_hand_written_item()
    {
        var covered = HandWrittenItems.All().Select(row => Oracle.Solve((string)row[1]).Shape)
            .Select(shape => (shape.Family, shape.Variant)).ToHashSet();

        var missing = Oracle.Families.SelectMany(f => f.Variants.Select(v => (f.Name, v))).Where(fv => !covered.Contains(fv)).ToList();

        Assert.True(missing.Count == 0, "no hand-written item for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Generated_items_solve_to_their_targets_for_every_family_size_and_variant()
    {
        var random = new Random(2305);
        foreach (var family in Oracle.Families)
            foreach (int size in family.Sizes)
                foreach (var variant in family.Variants.Where(v => family.Exists(size, v)))
                {
                    int count = size >= 7 ? 8 : 40;
                    for (int i = 0; i < count; i++)
                    {
                        var item = family.Generate(random, size, variant);
                        var solution = Oracle.Solve(item.Input);
                        Assert.True(item.Target == solution.Target, $"{family.Name}/{size}/{variant}: {item.Input}");
                        Assert.Equal((family.Name, size, variant), (solution.Shape.Family, solution.Shape.Size, solution.Shape.Variant));
                    }
                }
    }

    [Fact]
    public void No_item_is_recognised_by_two_families()
    {
        var random = new Random(7);
        foreach (var family in Oracle.Families)
        {
            var item = family.Generate(random, family.Sizes[0], family.Variants[0]);
            Assert.Equal([family.Name], Oracle.Families.Where(f => f.Recognises(item.Input)).Select(f => f.Name));
        }
    }

    [Fact]
    public void Generation_is_reproducible_from_the_seed()
    {
        var family = Oracle.Family("logical_deduction");

        var first = family.Generate(new Random(42), 5, "golf");
        var second = family.Generate(new Random(42), 5, "golf");

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("What is the capital of France?", "no task family recognises this item")]
    [InlineData("If you follow these instructions, do you return to the starting point? Take 3 steps. Jump twice.\nOptions:\n- Yes\n- No", "navigate: cannot read \"Jump twice.\"")]
    [InlineData("Complete the rest of the sequence, making sure that the parentheses are closed properly. Input: ( ]", "dyck_languages: cannot read \"] closes nothing open\"")]
    [InlineData("I have a cat, and two unicorns. How many animals do I have?", "object_counting: cannot read \"two unicorns\"")]
    [InlineData("Question: Ann lies. Bob says Zed lies. Does Bob tell the truth?", "web_of_lies: cannot read \"Bob says Zed lies.\"")]
    public void An_item_it_cannot_read_is_refused_with_the_reason(string input, string reason)
    {
        var error = Assert.Throws<UnsolvableItemException>(() => Oracle.Solve(input));

        Assert.Equal(reason, error.Message);
    }

    [Fact]
    public void Clues_that_allow_more_than_one_order_are_refused()
    {
        const string input = "The following paragraphs each describe a set of three objects arranged in a fixed order. " +
                             "The statements are logically consistent within each paragraph. In a golf tournament, there were " +
                             "three golfers: Ida, Kai, and Tom. Kai finished below Tom.\nOptions:\n(A) Ida finished last\n(B) Kai finished last\n(C) Tom finished last";

        var error = Assert.Throws<UnsolvableItemException>(() => Oracle.Solve(input));

        Assert.Contains("the clues allow 3 orders, not one", error.Message);
    }

    [Fact]
    public void A_hard_item_keeps_the_seeds_family_size_and_variant()
    {
        var seed = Oracle.Solve(Oracle.Family("tracking_shuffled_objects").Generate(new Random(1), 5, "books").Input);

        var made = Oracle.Solve(Oracle.Like(seed, hard: true, new Random(2)).Input);

        Assert.Equal(seed.Shape, made.Shape);
    }

    [Fact]
    public void An_easy_item_keeps_the_family_in_another_variant()
    {
        var seed = Oracle.Solve(Oracle.Family("navigate").Generate(new Random(1), 5, "face-forward").Input);

        var made = Oracle.Solve(Oracle.Like(seed, hard: false, new Random(2)).Input);

        Assert.Equal("navigate", made.Shape.Family);
        Assert.Equal("turns", made.Shape.Variant);
    }

    [Fact]
    public void An_easy_item_from_a_size_too_small_for_the_rarer_variant_takes_the_next_size_that_has_it()
    {
        var seed = Oracle.Solve(Oracle.Family("web_of_lies").Generate(new Random(1), 2, "chain").Input);

        var made = Oracle.Solve(Oracle.Like(seed, hard: false, new Random(2)).Input);

        Assert.Equal(new ItemShape("web_of_lies", "web_of_lies", 3, "any-earlier"), made.Shape);
    }

    [Theory]
    [InlineData("dyck_languages", 4, "mixed", 8, "deep-round-angle")]
    [InlineData("web_of_lies", 3, "any-earlier", 4, "chain")]
    [InlineData("dyck_languages", 28, "mixed", 28, "deep-round-angle")]
    public void A_larger_easy_item_takes_another_variant_one_size_up_and_the_largest_size_stays(string family, int size, string variant, int madeSize, string madeVariant)
    {
        var seed = Oracle.Solve(Oracle.Family(family).Generate(new Random(1), size, variant).Input);

        var made = Oracle.Solve(Oracle.Like(seed, hard: false, new Random(2), Lion.Core.Config.EasyMove.Larger).Input);

        Assert.Equal((madeSize, madeVariant), (made.Shape.Size, made.Shape.Variant));
    }

    [Fact]
    public void A_benchmark_mix_draws_its_cells_in_proportion_to_their_weights()
    {
        var mix = BenchmarkMix.For("dyck_languages")!;
        var random = new Random(3);

        var drawn = Enumerable.Range(0, 25_000).Select(_ => BenchmarkMix.Draw(mix, random).Size).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());

        Assert.All(mix, cell => Assert.InRange(drawn[cell.Size] / 25_000.0, cell.Weight / 250.0 - 0.01, cell.Weight / 250.0 + 0.01));
        Assert.Null(BenchmarkMix.For("navigate"));
    }
}
