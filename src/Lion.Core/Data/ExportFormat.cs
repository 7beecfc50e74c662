namespace Lion.Core.Data;

/// <summary>The dataset formats a run exports to.</summary>
public enum ExportFormat
{
    /// <summary>A JSON array of {instruction, input, output}, as Stanford Alpaca ships it.</summary>
    Alpaca,

    /// <summary>A JSON array of {id, conversations: [{from: human}, {from: gpt}]}, as FastChat reads it.</summary>
    ShareGpt,

    /// <summary>One {instruction, input, output} object per line, with the record's provenance when it has one.</summary>
    JsonLines,

    /// <summary>A JSON array of preference pairs {instruction, input, chosen, rejected, …} (<see cref="PreferencePair"/>).</summary>
    Dpo,

    /// <summary>One {"messages": [{role: user}, {role: assistant}]} per line: the conversational form OpenAI's fine-tuning and TRL's SFTTrainer read.</summary>
    Messages,

    /// <summary>One {"prompt": [user], "chosen": [assistant], "rejected": [assistant]} per line: TRL's conversational preference form (DPOTrainer).</summary>
    DpoMessages,
}
