namespace Lion.Cli.Commands;

/// <summary>The ready-made offline runs (<see cref="RunPresets"/>).</summary>
internal enum RunPreset
{
    /// <summary>The oracle's simulated student: seconds.</summary>
    Smoke,

    /// <summary>The TorchSharp student trained from scratch, scored on held-out tasks: a few minutes.</summary>
    Demo,

    /// <summary>The demo's path at test size.</summary>
    Tiny,
}
