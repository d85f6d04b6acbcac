"""Training budgets shared by the benchmarks (no flags here, so any benchmark can import it)."""

# recipe -> config overrides for the benchmark (chosen so that every run takes < 3 min on 2 cores)
TOY = {
    "mmgan": dict(steps=20_000),
    "nsgan": dict(steps=20_000),
    "lsgan": dict(steps=20_000),
    "wgan": dict(steps=20_000),
    # 3x512 MLPs, 5 critic steps with a double backward: 65 ms/step here at the paper's batch 256,
    # 33 ms/step at PacGAN's batch 100; 4,000 steps at batch 100 fit the 3-minute budget.
    # Pilots on the grid, seed 0 (modes / high quality): lambda 10, lr 1e-4, 5k steps: 23 / 6.8%;
    # lr 1e-3: 15 / 1.4%; the official toy code's lambda 0.1 with Adam beta1 0.5, 4.5k steps: 21 / 12.5%.
    "wgangp": {"steps": 4_000, "data.batch_size": 100},
}
