"""An eager PyTorch twin of configs/nsgan_mnist.py's training step, for benchmarks/versus_pytorch.py.

The same networks as zoo/nets/dcgan.py at width 64 on 28 x 28 x 1 images, layer for layer:

- G: z (100) -> Linear(6272, no bias) -> BatchNorm -> ReLU -> 7 x 7 x 128 -> ConvTranspose(64, 5,
  stride 2, no bias) -> BatchNorm -> ReLU -> ConvTranspose(1, 5, stride 2) -> tanh: 28 x 28 x 1.
- D: Conv(64, 5, stride 2) -> LeakyReLU(0.2) -> Conv(128, 5, stride 2, no bias) -> BatchNorm ->
  LeakyReLU(0.2) -> Linear(1).
- Keras's defaults where PyTorch's differ: batch norm eps 1e-3 and moving-average momentum 0.99
  (PyTorch's momentum=0.01), Adam eps 1e-7. Adam(2e-4, beta1 0.5) for both players, batch 64.

One step is the zoo's GAN.train_step with n_critic=1 (zoo/models/gan.py): the critic update (G
forward without gradients, D on the real and on the fake batch, the logistic loss, one Adam
step), then the generator update (G and D forward on a fresh z, backward through both, gradients
for G's weights only, by `torch.autograd.grad` over G's parameters, which skips D's weight
gradients as the zoo's tape does; toggling `requires_grad` instead makes torch.compile
recompile). Under bfloat16 the forward passes run in `torch.autocast("cpu", torch.bfloat16)` and
the weights and losses stay float32, as Keras's mixed_bfloat16 does. The images are a fixed pool
of random values in [-1, 1] (the speed of a convolution does not depend on them); the zoo's side
reads real MNIST through its prefetched tf.data pipeline.

Run by benchmarks/versus_pytorch.py, in its own process:

    python -m benchmarks.torch_twin --precision=float32|bfloat16 [--compile] [--seconds=10] [--repeats=3]
"""
import importlib.util
import json
import statistics
import time

from absl import flags

from benchmarks import cli
from zoo_core.errors import UserError

FLAGS = flags.FLAGS
BATCH, LATENT, WIDTH = 64, 100, 64


def networks():
    """(G, D) as described above."""
    from torch import nn

    def bn(channels):
        return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)

    generator = nn.Sequential(
        nn.Linear(LATENT, 7 * 7 * 2 * WIDTH, bias=False), nn.Unflatten(1, (2 * WIDTH, 7, 7)), bn(2 * WIDTH), nn.ReLU(),
        nn.ConvTranspose2d(2 * WIDTH, WIDTH, 5, stride=2, padding=2, output_padding=1, bias=False), bn(WIDTH),
        nn.ReLU(),
        nn.ConvTranspose2d(WIDTH, 1, 5, stride=2, padding=2, output_padding=1), nn.Tanh())
    discriminator = nn.Sequential(
        nn.Conv2d(1, WIDTH, 5, stride=2, padding=2), nn.LeakyReLU(0.2),
        nn.Conv2d(WIDTH, 2 * WIDTH, 5, stride=2, padding=2, bias=False), bn(2 * WIDTH), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(7 * 7 * 2 * WIDTH, 1))
    return generator, discriminator


def trainer(precision, compile_nets=False):
    """A function that runs one training step (it returns nothing; the caller times it)."""
    import contextlib

    import torch
    import torch.nn.functional as F

    generator, discriminator = networks()
    if compile_nets:
        generator, discriminator = torch.compile(generator), torch.compile(discriminator)
    g_opt = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-7)
    d_opt = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-7)
    g_params = list(generator.parameters())
    pool = torch.rand(100 * BATCH, 1, 28, 28) * 2 - 1

    def cast():
        if precision == "bfloat16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    state = {"i": 0}

    def step():
        i = state["i"] = (state["i"] + 1) % 100
        real = pool[i * BATCH:(i + 1) * BATCH]
        # the critic update
        with torch.no_grad(), cast():
            fake = generator(torch.randn(BATCH, LATENT))
        with cast():
            d_loss = (F.softplus(-discriminator(real).float()) + F.softplus(discriminator(fake).float())).mean()
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        # the generator update: gradients for G's weights only (autograd skips D's weight gradients)
        with cast():
            g_loss = F.softplus(-discriminator(generator(torch.randn(BATCH, LATENT))).float()).mean()
        for p, g in zip(g_params, torch.autograd.grad(g_loss, g_params)):
            p.grad = g
        g_opt.step()

    return step


def matmul_peak(dtype, n=2048, reps=20):
    """PyTorch's n x n matmul FLOP/s in `dtype` ("float32" or "bfloat16"), best of 3 blocks."""
    import torch

    from benchmarks.timing import best_of

    a = torch.randn(n, n).to(getattr(torch, dtype))

    def block():
        x = a
        for _ in range(reps):
            x = torch.mm(x, a) * (1.0 / n)
        float(x.sum())

    return 2.0 * n ** 3 * reps / best_of(block)


def measure(precision, compile_nets, seconds, repeats):
    """{"rate": median updates/s, "all": each repeat's, "peak": matmul FLOP/s, ...}."""
    import torch

    try:
        step = trainer(precision, compile_nets)
        for _ in range(5):  # warm-up (torch.compile compiles here)
            step()
    except Exception as error:  # torch.compile's failures are a result to report, not a crash
        if not compile_nets:
            raise
        return {"error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300]}
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < 1.0:
        step()
        n += 1
    per_repeat = max(1, round(seconds * n / (time.perf_counter() - start)))
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(per_repeat):
            step()
        rates.append(per_repeat / (time.perf_counter() - start))
    return {"rate": statistics.median(rates), "all": rates, "peak": matmul_peak(precision),
            "threads": torch.get_num_threads(), "torch": torch.__version__}


def require_torch():
    """A UserError (one sentence, exit status 2 under benchmarks.cli) if PyTorch is not installed."""
    if importlib.util.find_spec("torch") is None:
        raise UserError("PyTorch is not installed: `pip install -e '.[bench]'` installs the version this "
                        "benchmark was run with (it is never a dependency of the zoo itself).")


def main(argv):
    require_torch()
    row = measure(FLAGS.precision, FLAGS.compile, FLAGS.seconds, FLAGS.repeats)
    text = json.dumps(row)
    if FLAGS.row_json:
        with open(FLAGS.row_json, "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    flags.DEFINE_enum("precision", "float32", ["float32", "bfloat16"], "float32, or bfloat16 autocast.")
    flags.DEFINE_bool("compile", False, "torch.compile both networks.")
    flags.DEFINE_float("seconds", 10.0, "Approximate seconds per timed repeat.")
    flags.DEFINE_integer("repeats", 3, "Timed repeats.")
    flags.DEFINE_string("row_json", "", "Also write the result here.")
    cli.run(main)
