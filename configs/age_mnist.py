"""age_mnist: AGE (Ulyanov et al. 2018) on MNIST with DCGAN-style networks (the DCGAN generator; the
encoder is the DCGAN discriminator's conv trunk with a 128-d linear head) and the official CIFAR-10
setting (../shared/REFERENCES.md): latents on the unit sphere of R^128, mu = 10, lambda = 1000, two generator
updates per encoder update, Adam 2e-4 beta1 0.5, batch 64. Run:

    python -m train --config=configs/age_mnist.py --workdir=runs/age_mnist
"""
from configs import common


def get_config():
    adam = common.optimizer("adam", 2e-4, beta_1=0.5)
    nets = dict(generator=dict(name="dcgan", width=64, norm="batch"),
                encoder=dict(name="dcgan", width=64, norm="batch"))
    return common.encoder_model(
        "age_mnist", "age", "mnist", nets, dict(e_optimizer=adam, g_optimizer=adam.copy_and_resolve_references()),
        steps=10_000, batch_size=64, latent_dim=128, steps_per_execution=common.MNIST_BLOCK,
        num_samples=common.MNIST_SAMPLES, options=dict(mu=10.0, lam=1000.0, g_updates=2))
