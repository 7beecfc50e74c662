using Lion.Torch.Model;
using Lion.Torch.Training;
using static TorchSharp.torch;

namespace Lion.Torch.Tests.Training;

public sealed class ShardedBackwardTests
{
    private static LlamaForCausalLM Model()
    {
        manual_seed(5);
        return new LlamaForCausalLM(LlamaConfig.TinyByteLevel);
    }

    /// <summary>Five rows with prompts of different lengths, so the shares hold different numbers of answer tokens.</summary>
    private static (Tensor Input, Tensor Labels) Batch()
    {
        manual_seed(6);
        var input = randint(0, 256, [5, 24], dtype: int64);
        var labels = input.clone();
        foreach (var (row, prompt) in new[] { (0, 3), (1, 20), (2, 10), (3, 22), (4, 1) })
            labels[row, TensorIndex.Slice(0, prompt)] = tensor(-100L);
        return (input, labels);
    }

    private static (double Loss, Tensor[] Gradients) Pass(int workers, double scale = 1, bool bfloat16 = false)
    {
        using var model = Model();
        using var cast = model.Compute.BFloat16(bfloat16);
        var (input, labels) = Batch();
        var trainable = model.parameters().ToList();
        using var passes = new ShardedBackward(workers);
        double loss = passes.Backward(model, trainable, input, labels, scale);
        return (loss, trainable.Select(p => p.grad!.detach().clone()).ToArray());
    }

    [Fact]
    public void Shares_on_two_workers_give_the_whole_batchs_loss_and_gradient()
    {
        var (wholeLoss, whole) = Pass(workers: 1);
        var (sharedLoss, shared) = Pass(workers: 2);

        Assert.Equal(wholeLoss, sharedLoss, 5);
        for (int i = 0; i < whole.Length; i++)
            Assert.True(whole[i].allclose(shared[i], rtol: 1e-4, atol: 1e-6), $"parameter {i}: max difference {(whole[i] - shared[i]).abs().max().item<float>()}");
    }

    [Fact]
    public void Shares_on_three_workers_give_the_same_bits_every_run()
    {
        var (firstLoss, first) = Pass(workers: 3);
        var (secondLoss, second) = Pass(workers: 3);

        Assert.Equal(firstLoss, secondLoss);
        for (int i = 0; i < first.Length; i++)
            Assert.True(first[i].allclose(second[i], rtol: 0, atol: 0), $"parameter {i} differs between runs");
    }

    [Fact]
    public void Workers_compute_their_products_in_the_callers_precision()
    {
        var (_, float32) = Pass(workers: 2);
        var (_, onePass) = Pass(workers: 1, bfloat16: true);
        var (_, shared) = Pass(workers: 2, bfloat16: true);

        // Rounded products: further from float32 than two float32 orders of summation are (1e-4),
        // as close to the one-pass bfloat16 gradient as bfloat16 rounding of different shares allows.
        Assert.Contains(Enumerable.Range(0, float32.Length), i => !float32[i].allclose(shared[i], rtol: 1e-3, atol: 1e-5));
        for (int i = 0; i < onePass.Length; i++)
            Assert.True(onePass[i].allclose(shared[i], rtol: 5e-2, atol: 1e-3), $"parameter {i}: max difference {(onePass[i] - shared[i]).abs().max().item<float>()}");
    }

    [Fact]
    public void The_gradient_is_scaled_and_added_to_the_one_already_there()
    {
        using var model = Model();
        var (input, labels) = Batch();
        var trainable = model.parameters().ToList();
        using var passes = new ShardedBackward(workers: 2);
        passes.Backward(model, trainable, input, labels, scale: 0.5);
        var half = trainable.Select(p => p.grad!.detach().clone()).ToArray();
        passes.Backward(model, trainable, input, labels, scale: 0.5);

        for (int i = 0; i < half.Length; i++)
            Assert.True(trainable[i].grad!.allclose(half[i] * 2, rtol: 1e-5, atol: 1e-7), $"parameter {i}");
    }

    [Fact]
    public void A_failure_on_a_worker_is_thrown_to_the_caller()
    {
        using var model = Model();
        var (input, labels) = Batch();
        labels[4, 5] = tensor(100_000L); // no such token
        using var passes = new ShardedBackward(workers: 2);

        Assert.ThrowsAny<Exception>(() => passes.Backward(model, model.parameters().ToList(), input, labels, scale: 1));
    }

    [Theory]
    [InlineData(3_000_000L, 8)] // the demo's student, fine-tuned whole
    [InlineData(1_700_000L, 8)] // LoRA's adapters on a 0.5B model
    [InlineData(134_515_008L, 8)] // SmolLM2-135M, fine-tuned whole
    [InlineData(494_032_768L, 24)] // Qwen2.5-0.5B on a machine of 24 GB
    public void A_batch_is_shared_out_while_the_workers_gradients_fit_easily(long learning, long gigabytes) =>
        Assert.Equal(ShardedBackward.DefaultWorkers, ShardedBackward.WorkersFor(learning, gigabytes << 30));

    [Theory]
    [InlineData(494_032_768L, 16)] // Qwen2.5-0.5B on a laptop of 16 GB
    [InlineData(134_515_008L, 4)]
    public void A_fine_tune_whose_workers_gradients_would_crowd_the_memory_runs_as_one_pass(long learning, long gigabytes) =>
        Assert.Equal(1, ShardedBackward.WorkersFor(learning, gigabytes << 30));

    [Fact]
    public void A_shared_step_holds_the_weights_their_moments_and_a_set_of_gradients_per_worker() =>
        Assert.Equal(1_000L * 4 * (1 + 2 + 2), ShardedBackward.SharedStepBytes(1_000, workers: 2));
}
