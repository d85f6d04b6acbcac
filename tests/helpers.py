"""Small builders shared by the tests."""
import keras
import numpy as np

from zoo import data, nets
from zoo.models import GAN

OPTIMIZERS = {
    "sgd": lambda: keras.optimizers.SGD(0.05),
    "adam": lambda: keras.optimizers.Adam(1e-3, beta_1=0.5),
    "rmsprop": lambda: keras.optimizers.RMSprop(5e-4),
}


def toy_gan(strategy, objective="non_saturating", n_critic=1, gp_weight=0.0, clip_value=0.0,
            optimizer="sgd", seed=3, width=32, **objective_options):
    """A small BN-free MLP GAN on the ring, built and compiled inside `strategy`'s scope."""
    keras.utils.set_random_seed(1)  # same initial weights whatever the strategy
    with strategy.scope():
        g = nets.build_generator("mlp", 2, (2,), widths=(width, width))
        d = nets.build_discriminator("mlp", (2,), widths=(width, width))
        model = GAN(g, d, objective=objective, n_critic=n_critic, gp_weight=gp_weight,
                    clip_value=clip_value, seed=seed, **objective_options)
        model.compile(g_optimizer=OPTIMIZERS[optimizer](), d_optimizer=OPTIMIZERS[optimizer]())
    return model


def fit(model, steps, batch_size=64, data_seed=5, callbacks=()):
    ds = data.load("ring", batch_size, seed=data_seed, group=model.n_critic)
    return model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False,
                     callbacks=list(callbacks)).history


def max_weight_difference(a, b):
    return max(float(np.abs(x - y).max()) for x, y in zip(a.get_weights(), b.get_weights()))
