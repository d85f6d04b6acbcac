"""avb_toy: AVB (Mescheder et al. 2017, Sec. 5.1) on the 4-point problem: four one-hot points, 2-d
latent, an implicit encoder with a 16-d noise input, the networks and optimiser of vae_toy plus an
adversary T(x, z); without adaptive contrast, as in the paper's toy run. The trainer draws the
posterior regions (each point's codes in its colour) under DIR/samples. Run:

    python -m train --config=configs/avb_toy.py --workdir=runs/avb_toy
"""
from configs import common


def get_config():
    adam = common.optimizer("adam", 1e-3)
    return common.encoder_model(
        "avb_toy", "avb", "four_points", common.binary_mlp_nets(256, noise_dim=16, adversary=True),
        dict(vae_optimizer=adam, d_optimizer=adam.copy_and_resolve_references()),
        steps=10_000, batch_size=512, latent_dim=2, steps_per_execution=100, log_every=1000,
        intra_op_threads=common.TOY_THREADS,
        options=dict(likelihood="bernoulli", adaptive_contrast=False))
