namespace Lion.Core.Loop;

/// <summary>
/// Keeps `&lt;run&gt;/student/` a loadable Hugging Face folder of the newest checkpoint, whichever
/// iteration made it, so any tool (`lion eval`, `lion serve`, transformers) can be pointed at one
/// path: a whole model, or a PEFT adapter (with <c>student.reload: lora</c>), which those tools
/// resolve on the base its <c>adapter_config.json</c> names. The files are symbolic links into the
/// iteration's folder: a 7B checkpoint is not copied.
/// </summary>
public static class LatestStudent
{
    public static void Publish(string runFolder, string checkpoint)
    {
        if (!File.Exists(Path.Combine(checkpoint, "config.json")) && !File.Exists(Path.Combine(checkpoint, "adapter_config.json")))
            return;
        string latest = Path.Combine(runFolder, "student");
        Directory.CreateDirectory(latest);
        foreach (var stale in Directory.GetFiles(latest).Where(f => new FileInfo(f).LinkTarget is not null))
            File.Delete(stale);
        foreach (var file in Directory.GetFiles(checkpoint))
        {
            string link = Path.Combine(latest, Path.GetFileName(file));
            if (File.Exists(link))
                File.Delete(link);
            File.CreateSymbolicLink(link, Path.GetRelativePath(latest, file));
        }
    }
}
