using Lion.Core.Novelty;

namespace Lion.Core.Tests.Novelty;

public sealed class LcsTests
{
    [Fact]
    public void The_bit_parallel_lcs_equals_the_table_for_every_length_up_to_300()
    {
        var random = new Random(300);
        for (int m = 0; m <= 300; m++)
        {
            int n = random.Next(0, 301);
            int alphabet = random.Next(1, 12);
            var a = Enumerable.Range(0, m).Select(_ => random.Next(alphabet)).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => random.Next(alphabet)).ToArray();

            Assert.True(Lcs.Dynamic(a, b) == Lcs.BitParallel(a, b), $"m={m} n={n} alphabet={alphabet}");
            Assert.Equal(Lcs.Dynamic(b, a), Lcs.BitParallel(b, a));
        }
    }

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(128)]
    [InlineData(129)]
    public void Word_boundaries_carry_correctly(int length)
    {
        var a = Enumerable.Range(0, length).ToArray();
        var b = a.Reverse().Concat(a).ToArray();

        Assert.Equal(length, Lcs.BitParallel(a, b));
        Assert.Equal(Lcs.Dynamic(a, a.Where(x => x % 3 != 0).ToArray()), Lcs.BitParallel(a, a.Where(x => x % 3 != 0).ToArray()));
    }

    [Fact]
    public void Empty_sequences_have_nothing_in_common()
    {
        Assert.Equal(0, Lcs.BitParallel([], [1, 2]));
        Assert.Equal(0, Lcs.BitParallel([1, 2], []));
        Assert.Equal(0, Lcs.Dynamic([], []));
    }
}
