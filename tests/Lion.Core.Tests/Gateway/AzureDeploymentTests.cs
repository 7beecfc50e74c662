using Lion.Core.Gateway;

namespace Lion.Core.Tests.Gateway;

public sealed class AzureDeploymentTests
{
    [Theory]
    [InlineData("https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21")]
    [InlineData("https://res.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21")]
    [InlineData("https://res.openai.azure.com/openai/deployments/gpt4o/?api-version=2024-10-21")]
    public void The_portals_target_uri_or_the_deployment_alone_give_its_base_and_version(string endpoint)
    {
        var azure = AzureDeployment.From(endpoint)!;

        Assert.Equal("https://res.openai.azure.com/openai/deployments/gpt4o/", azure.BaseUrl.ToString());
        Assert.Equal(("gpt4o", "2024-10-21"), (azure.Deployment, azure.ApiVersion));
    }

    [Theory]
    [InlineData("https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://api.openai.com/v1")]
    [InlineData("http://127.0.0.1:8000/v1")]
    public void Other_urls_are_no_deployment(string endpoint) => Assert.Null(AzureDeployment.From(endpoint));

    [Fact]
    public void A_deployment_url_without_an_api_version_has_none() =>
        Assert.Null(AzureDeployment.From("https://res.openai.azure.com/openai/deployments/gpt4o")!.ApiVersion);
}
