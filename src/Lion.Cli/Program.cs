using Lion.Cli;

return await LionCommand.Create().Parse(args).InvokeAsync();
