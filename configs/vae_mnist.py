"""vae_mnist: the VAE (Kingma & Welling 2014) on dynamically binarised MNIST, the baseline of
avb_mnist: 32-d latent (the AVB paper's), 2 x 512 MLP encoder and decoder, Bernoulli decoder,
Adam 3e-4, batch 100; evaluated by the test ELBO and the IWAE bound with k = 100 (Burda et al.
2016). Run:

    python -m train --config=configs/vae_mnist.py --workdir=runs/vae_mnist
"""
from configs import common


def get_config():
    return common.encoder_model(
        "vae_mnist", "vae", "binarized_mnist", common.binary_mlp_nets(512),
        dict(vae_optimizer=common.optimizer("adam", 3e-4)),
        steps=20_000, batch_size=100, latent_dim=32, steps_per_execution=common.MNIST_BLOCK,
        jit_compile=True,  # XLA: 127.0 vs 96.9 updates/s on 2 cores (benchmarks/results/settings.md)
        num_samples=common.MNIST_SAMPLES, options=dict(likelihood="bernoulli", iwae_k=100))
