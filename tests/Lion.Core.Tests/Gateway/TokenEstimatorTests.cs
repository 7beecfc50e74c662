using Lion.Core.Gateway;

namespace Lion.Core.Tests.Gateway;

public sealed class TokenEstimatorTests
{
    [Fact]
    public void Openai_models_are_counted_with_their_own_encoding()
    {
        var estimator = new TokenEstimator("gpt-4o");

        Assert.True(estimator.IsExact);
        Assert.Equal(2, estimator.Count("hello world"));
    }

    [Fact]
    public void Other_models_are_estimated_at_four_characters_a_token()
    {
        var estimator = new TokenEstimator("llama-3-8b-instruct");

        Assert.False(estimator.IsExact);
        Assert.Equal(3, estimator.Count("twelve chars"));
    }
}
