"""avb_mnist: AVB (Mescheder et al. 2017) with adaptive contrast on dynamically binarised MNIST:
32-d latent as in the paper's MNIST run, the encoder, decoder and optimiser of vae_mnist (the
encoder with a 32-d noise input), an adversary T(x, z) of the same size, 16 noise draws per example
for the contrast's moments. Run:

    python -m train --config=configs/avb_mnist.py --workdir=runs/avb_mnist
"""
from configs import common


def get_config():
    adam = common.optimizer("adam", 3e-4)
    return common.encoder_model(
        "avb_mnist", "avb", "binarized_mnist", common.binary_mlp_nets(512, noise_dim=32, adversary=True),
        dict(vae_optimizer=adam, d_optimizer=adam.copy_and_resolve_references()),
        steps=20_000, batch_size=100, latent_dim=32, steps_per_execution=common.MNIST_BLOCK,
        num_samples=common.MNIST_SAMPLES,
        options=dict(likelihood="bernoulli", adaptive_contrast=True, contrast_samples=16))
