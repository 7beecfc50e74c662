using Lion.Torch.Model;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Model;

public sealed class LayerCacheTests
{
    private static (Tensor Keys, Tensor Values) Positions(long count, ScalarType type = ScalarType.Float32) =>
        (randn(2, 3, count, 8).to(type), randn(2, 3, count, 8).to(type));

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Positions_appended_one_at_a_time_past_the_headroom_are_all_kept(ScalarType type)
    {
        manual_seed(11);
        using var cache = new LayerCache();
        var (allKeys, allValues) = Positions(200, type);

        Tensor keys = allKeys, values = allValues;
        for (long i = 0; i < 200; i++)
            (keys, values) = cache.Append(allKeys.narrow(2, i, 1), allValues.narrow(2, i, 1));

        Assert.Equal(200, cache.Length);
        Assert.True(keys.allclose(allKeys, rtol: 0, atol: 0));
        Assert.True(values.allclose(allValues, rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void More_positions_than_the_headroom_appended_at_once_are_all_kept(ScalarType type)
    {
        manual_seed(12);
        using var cache = new LayerCache();
        var (first, firstValues) = Positions(10, type);
        var (second, secondValues) = Positions(300, type);

        cache.Append(first, firstValues);
        var (keys, values) = cache.Append(second, secondValues);

        Assert.True(keys.allclose(cat([first, second], 2), rtol: 0, atol: 0));
        Assert.True(values.allclose(cat([firstValues, secondValues], 2), rtol: 0, atol: 0));
    }

    [Fact]
    public void Positions_taken_one_at_a_time_past_the_headroom_keep_what_was_written_before()
    {
        manual_seed(13);
        using var cache = new LayerCache();
        var (start, startValues) = Positions(5);
        var (later, laterValues) = Positions(150);
        cache.Append(start, startValues);

        for (long i = 0; i < 150; i++)
        {
            var (keys, values, position, capacity) = cache.TakeOnePosition();
            Assert.Equal(keys.shape[2], capacity);
            keys.narrow(2, position, 1).copy_(later.narrow(2, i, 1));
            values.narrow(2, position, 1).copy_(laterValues.narrow(2, i, 1));
        }
        var (all, allValues) = cache.Append(start.narrow(2, 0, 1), startValues.narrow(2, 0, 1));

        Assert.Equal(156, cache.Length);
        Assert.True(all.narrow(2, 0, 155).allclose(cat([start, later], 2), rtol: 0, atol: 0));
        Assert.True(allValues.narrow(2, 0, 155).allclose(cat([startValues, laterValues], 2), rtol: 0, atol: 0));
    }
}
