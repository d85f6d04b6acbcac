"""bigan_mnist: BiGAN (Donahue et al. 2017) on permutation-invariant MNIST, the official setting
(jeffdonahue/bigan, train_mnist.sh): z 50-d uniform on [-1, 1], the official fully connected G, E
and D (zoo.nets.bigan_mlp: no biases, batch norm without gain or offset, z entering the second
hidden layer of G and D, pixels seen in [0, 1]), the encoder's output squashed onto the prior's
support as the official --noise u-50 does (model.squash: z = 2 sigmoid(a(x)) - 1; 1-NN on
a(x)), D and G/E updated simultaneously from one forward pass as the official update_both
(model.update), Adam 2e-4 beta1 0.5, batch 128, non-saturating losses, trained
on train[:50000] (the official protocol keeps train[50000:] for validation: the metric
nn1_acc_val), the learning rate constant for the first half of the run and then linearly down to
0 (the official --epochs 200 --decay_epochs 200). The official run is 400 epochs of 50,000 images
(156,250 steps); this default, 20,000 steps, is 51 epochs. The official L2 weight decay (--decay
2.5e-5, added to the gradients) is model.l2. Run:

    python -m train --config=configs/bigan_mnist.py --workdir=runs/bigan_mnist
"""
from configs import common


def get_config():
    adam = common.optimizer("adam", 2e-4, beta_1=0.5, decay_from=0.5)
    c = common.encoder_model(
        "bigan_mnist", "bigan", "mnist", common.bigan_official_nets(),
        dict(g_optimizer=adam, d_optimizer=adam.copy_and_resolve_references()),
        steps=20_000, batch_size=128, latent_dim=50, steps_per_execution=common.MNIST_BLOCK,
        jit_compile=True,  # XLA: 22.5 vs 16.7 updates/s on 2 cores, ali_mnist's nets (results/settings.md)
        num_samples=common.MNIST_SAMPLES,
        options=dict(loss="non_saturating", stochastic=False, prior="uniform", l2=2.5e-5, squash=True,
                           update="simultaneous"))
    c.data.split = "train[:50000]"
    return c
