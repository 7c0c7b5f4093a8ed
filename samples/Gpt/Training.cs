using System.Globalization;
using Flint;
using Flint.Optimizers;
using static Flint.torch;
using static Flint.torch.optim.lr_scheduler;

namespace Gpt;

/// <summary>The training run's settings (nanoGPT's names; the defaults fit the small model of the sample).</summary>
public sealed record TrainConfig
{
    public int max_iters { get; init; } = 2000;
    public long batch_size { get; init; } = 16;
    public double learning_rate { get; init; } = 1e-3;
    /// <summary>The lr the cosine decay ends at (nanoGPT: learning_rate / 10).</summary>
    public double min_lr { get; init; } = 1e-4;
    public int warmup_iters { get; init; } = 100;
    public double weight_decay { get; init; } = 0.1;
    public double beta1 { get; init; } = 0.9;
    public double beta2 { get; init; } = 0.99;
    /// <summary>The gradients' total norm is clipped to this (0: no clipping).</summary>
    public double grad_clip { get; init; } = 1.0;
    /// <summary>Every this many steps (and after the last) the mean loss over <see cref="eval_iters"/> batches of each split.</summary>
    public int eval_interval { get; init; } = 250;
    public int eval_iters { get; init; } = 20;
    /// <summary>Seed of the training batches' generator; the evaluation batches come from one seeded <c>seed + 1</c>.</summary>
    public long seed { get; init; } = 1337;
}

/// <summary>What a run measured: every step's training loss and lr, and the evaluations.</summary>
public sealed class History
{
    public List<double> train { get; } = [];
    public List<double> lr { get; } = [];
    /// <summary>(step, mean train loss, mean val loss) of each evaluation.</summary>
    public List<(int step, double train, double val)> evals { get; } = [];
}

/// <summary>nanoGPT's training loop on a <see cref="Corpus"/>.</summary>
public static class Training
{
    /// <summary>
    /// nanoGPT's schedule from the library's schedulers: linear warm-up from lr / (warmup + 1) to lr over
    /// <paramref name="warmup_iters"/> steps (LinearLR), then cosine decay to <paramref name="min_lr"/> at
    /// <paramref name="max_iters"/> (CosineAnnealingLR), one after the other (SequentialLR).
    /// </summary>
    public static LRScheduler Schedule(Optimizer optimizer, int warmup_iters, int max_iters, double min_lr)
    {
        if (warmup_iters < 0 || warmup_iters >= Math.Max(max_iters, 1))
            throw new ArgumentException($"warmup_iters must be in [0, max_iters), got {warmup_iters} with max_iters {max_iters}");
        var cosine = new CosineAnnealingLR(optimizer, T_max: max_iters - warmup_iters, eta_min: min_lr);
        if (warmup_iters == 0) return cosine;
        var warmup = new LinearLR(optimizer, start_factor: 1.0 / (warmup_iters + 1), end_factor: 1.0, total_iters: warmup_iters);
        return new SequentialLR(optimizer, [warmup, cosine], milestones: [warmup_iters]);
    }

    /// <summary>The mean loss over <paramref name="eval_iters"/> batches of <paramref name="data"/>, in eval mode and without gradients.</summary>
    public static double estimate_loss(GPT model, Tensor data, long batch_size, int eval_iters, Generator generator)
    {
        bool was = model.training;
        model.eval();
        double sum = 0;
        using (no_grad())
        {
            for (int k = 0; k < eval_iters; k++)
            {
                var (x, y) = Corpus.get_batch(data, batch_size, model.config.block_size, generator);
                sum += GPT.loss(model.call(x), y).item<float>();
            }
        }
        model.train(was);
        return sum / eval_iters;
    }

    /// <summary>
    /// Trains <paramref name="model"/>: per step a batch from the training split, the loss, backward, gradient
    /// clipping, an AdamW step and the schedule's step; evaluations every <c>eval_interval</c> steps and after the
    /// last. <paramref name="output"/> gets the progress bar and the evaluation lines (null: the console).
    /// </summary>
    public static History Train(GPT model, Corpus corpus, TrainConfig cfg, TextWriter? output = null)
    {
        var optimizer = model.configure_optimizers(cfg.weight_decay, cfg.learning_rate, (cfg.beta1, cfg.beta2), output ?? Console.Out);
        var scheduler = Schedule(optimizer, cfg.warmup_iters, cfg.max_iters, cfg.min_lr);
        var batches = new Generator().manual_seed(cfg.seed);
        var history = new History();
        using var progress = new utils.Progress(cfg.max_iters, output, unit: "tokens", step_unit: "steps");
        model.train();
        for (int iter = 0; iter <= cfg.max_iters; iter++)
        {
            if (cfg.eval_iters > 0 && (iter % Math.Max(cfg.eval_interval, 1) == 0 || iter == cfg.max_iters))
            {
                // the same evaluation batches every time, so the curves compare like with like
                double train = estimate_loss(model, corpus.train_data, cfg.batch_size, cfg.eval_iters, new Generator().manual_seed(cfg.seed + 1));
                double val = estimate_loss(model, corpus.val_data, cfg.batch_size, cfg.eval_iters, new Generator().manual_seed(cfg.seed + 1));
                history.evals.Add((iter, train, val));
                progress.write(FormattableString.Invariant($"step {iter}: train loss {train:0.0000}, val loss {val:0.0000}"));
            }
            if (iter == cfg.max_iters) break;

            history.lr.Add(optimizer.param_groups[0].lr);
            var (x, y) = Corpus.get_batch(corpus.train_data, cfg.batch_size, model.config.block_size, batches);
            var loss = GPT.loss(model.call(x), y);
            loss.backward();
            if (cfg.grad_clip > 0) nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip);
            optimizer.step();
            optimizer.zero_grad();
            scheduler.step();

            double value = loss.item<float>();
            history.train.Add(value);
            progress.set_postfix(string.Create(CultureInfo.InvariantCulture, $"loss: {value:0.0000}  lr: {history.lr[^1]:0.00e0}"));
            progress.update(1, items: x.numel());
        }
        progress.close();
        return history;
    }
}
