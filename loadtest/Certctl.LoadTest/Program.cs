using Certctl.LoadTest;

using var stop = new CancellationTokenSource();

// Ctrl+C stops the arrivals; requests already out finish and the partial summary is still written.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await LoadCommand.RunAsync(args, Console.Out, Console.Error, stop.Token);
