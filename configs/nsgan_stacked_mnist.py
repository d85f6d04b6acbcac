"""nsgan_stacked_mnist: the non-saturating GAN (Goodfellow et al. 2014) with DCGAN networks on
Stacked MNIST, the 1000-mode benchmark of PacGAN (Lin et al. 2018, Table 2) and VEEGAN (2017).

Each training image stacks three independently drawn MNIST digits as its channels. Evaluation
counts the modes (digit triples, read channel by channel by the zoo's MNIST classifier) among
26,000 samples and the KL of their histogram to uniform: modes26k, kl26k. Published: DCGAN 99 modes /
KL 3.4 (VEEGAN), PacDCGAN2 1000 / 0.06. Run:

    python -m train --config=configs/nsgan_stacked_mnist.py --workdir=runs/nsgan_stacked_mnist
"""
from configs import common


def get_config():
    c = common.mnist_gan("nsgan_stacked_mnist", "non_saturating")
    c.data.name = "stacked_mnist"
    c.eval.num_samples = 26_000
    return c
