using Lion.Core.Prompts;

namespace Lion.Cli.Commands;

/// <summary>
/// The prompt format a command uses with a checkpoint: --prompt-format when given, else the
/// checkpoint's own chat_template, else Alpaca (a checkpoint that declares none).
/// </summary>
internal static class CheckpointPromptFormat
{
    public const string Description = "The student's prompt format (default: the checkpoint's chat_template, else alpaca).";

    public static PromptFormat Resolve(PromptFormat? given, string? checkpoint) =>
        given ?? (checkpoint is null ? null : ChatTemplate.Read(checkpoint)) ?? PromptFormat.Alpaca;
}
