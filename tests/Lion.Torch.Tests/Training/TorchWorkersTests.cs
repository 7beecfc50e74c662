using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Training;

public sealed class TorchWorkersTests
{
    [Fact]
    public void Workers_run_libtorch_single_threaded_and_leave_other_threads_as_they_were()
    {
        int ambient = get_num_threads();
        using var workers = new TorchWorkers(2);
        var counts = new int[2];
        workers.Run(i => counts[i] = get_num_threads());
        int onFreshThread = 0;
        var fresh = new Thread(() => onFreshThread = get_num_threads());
        fresh.Start();
        fresh.Join();

        Assert.Equal([1, 1], counts);
        Assert.Equal(ambient, get_num_threads());
        Assert.Equal(ambient, onFreshThread);
    }
}
