using System.Reflection;
using System.Text.Json;
using Lion.Core.Config;

namespace Lion.Core.Tests.Config;

/// <summary>docs/configuration.md documents every key a run config can hold.</summary>
public sealed class ConfigurationDocsTests
{
    private static string Docs()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string path = Path.Combine(folder.FullName, "docs", "configuration.md");
            if (File.Exists(path))
                return File.ReadAllText(path);
        }
        throw new FileNotFoundException("docs/configuration.md above the test's folder");
    }

    /// <summary>Every key path of <paramref name="type"/> that holds a value, as the config reader names them.</summary>
    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
        {
            string key = prefix + JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            var value = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (value.IsGenericType && value.GetGenericTypeDefinition() == typeof(Dictionary<,>))
                foreach (var nested in Keys(value.GetGenericArguments()[1], key + ".MODEL."))
                    yield return nested;
            else if (value.IsClass && value != typeof(string) && value.Namespace?.StartsWith("Lion.Core", StringComparison.Ordinal) == true)
                foreach (var nested in Keys(value, key + "."))
                    yield return nested;
            else
                yield return key;
        }
    }

    [Fact]
    public void Every_key_of_a_run_config_is_in_docs_configuration_md()
    {
        string docs = Docs();
        // The three roles share their keys, documented once under teacher; a role's limits are the limits block's.
        var missing = Keys(typeof(RunConfig), "")
            .Select(key => key.StartsWith("referee.", StringComparison.Ordinal) || key.StartsWith("generator.", StringComparison.Ordinal)
                ? "teacher." + key[(key.IndexOf('.') + 1)..] : key)
            .Where(key => !key.StartsWith("teacher.limits.", StringComparison.Ordinal))
            .Distinct()
            .Where(key => !docs.Contains($"`{key}`", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(missing);
    }
}
