using System.Text.Json;

namespace Lion.Oracle.Tests;

/// <summary>The hand-written BBH-format items in tests/Shared/bbh-format, one theory row each.</summary>
public static class HandWrittenItems
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "bbh-format");

    public static TheoryData<string, string, string> All()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in Directory.GetFiles(Folder, "*.json").Order())
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var example in document.RootElement.GetProperty("examples").EnumerateArray())
                data.Add(Path.GetFileNameWithoutExtension(file), example.GetProperty("input").GetString()!, example.GetProperty("target").GetString()!);
        }
        return data;
    }
}
