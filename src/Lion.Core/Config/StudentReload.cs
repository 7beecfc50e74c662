namespace Lion.Core.Config;

/// <summary>How lion puts a new checkpoint behind the student's server (<c>student.serve_command</c>).</summary>
public enum StudentReload
{
    /// <summary>Stop the server and start it again on the new checkpoint.</summary>
    Restart,

    /// <summary>
    /// Keep the server on <c>student.base_checkpoint</c> and load each new LoRA adapter into it
    /// (vLLM's POST /v1/load_lora_adapter), asking the adapter by its name.
    /// </summary>
    Lora,
}
