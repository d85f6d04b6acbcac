"""vae_toy: the VAE (Kingma & Welling 2014) on the 4-point problem of the AVB paper (Mescheder et al.
2017, Sec. 5.1): four one-hot points, 2-d latent, Bernoulli decoder; the Gaussian posteriors cannot
tile the latent space, so the ELBO stays below AVB's. Run:

    python -m train --config=configs/vae_toy.py --workdir=runs/vae_toy
"""
from configs import common


def get_config():
    return common.encoder_model(
        "vae_toy", "vae", "four_points", common.binary_mlp_nets(256),
        dict(vae_optimizer=common.optimizer("adam", 1e-3)),
        steps=10_000, batch_size=512, latent_dim=2, steps_per_execution=100, log_every=1000,
        intra_op_threads=common.TOY_THREADS,
        options=dict(likelihood="bernoulli", iwae_k=100))
