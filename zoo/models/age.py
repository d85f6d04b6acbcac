"""AGE (Ulyanov et al. 2018, arXiv 1704.02304): an encoder-generator game played in latent space,
no discriminator."""
import keras
import tensorflow as tf

from zoo.models import noise
from zoo.models.base import ZooModel


def _global_sum(local):
    """The sum of `local` over the replicas in sync: its value is the global sum, its gradient flows
    only through this replica's `local` (so the gradients the optimizer sums across replicas are
    those of one device holding the whole batch)."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return local
    return ctx.all_reduce("sum", tf.stop_gradient(local)) + local - tf.stop_gradient(local)


def batch_moments(codes):
    """Per-dimension mean and (biased) variance of the GLOBAL batch of `codes` [b, d].

    Under a tf.distribute strategy the sums are all-reduced across replicas, so every replica sees
    the moments of the whole global batch, exactly those of one device. The moments come from sums
    of c - c0 and (c - c0)^2 around the batch mean c0 computed without gradient (the variance does
    not depend on the shift): E[c^2] - E[c]^2 cancels catastrophically when the codes are nearly
    collapsed. A two-pass variance would not do: its gradient through the mean is not a sum of
    per-replica terms, so the local-gradient trick of `_global_sum` would be wrong for it.
    """
    n = _global_sum(tf.cast(tf.shape(codes)[0], tf.float32))
    shift = tf.stop_gradient(_global_sum(tf.reduce_sum(codes, 0)) / n)
    dev = codes - shift
    first = _global_sum(tf.reduce_sum(dev, 0)) / n
    return shift + first, _global_sum(tf.reduce_sum(tf.square(dev), 0)) / n - tf.square(first)


def delta(codes):
    """AGE's Delta: KL(N(m, v) || N(0, 1/d)) averaged over the d dimensions, where (m, v) are the
    batch's per-dimension moments and N(0, 1/d) has the per-coordinate moments of the uniform prior on
    the unit sphere S^{d-1}. Zero exactly when the batch's moments match the prior's.

    (The official code compares with N(0, 1) and squares the variance; on the sphere every
    coordinate has variance 1/d, so N(0, 1) can never be matched there.)
    """
    d = tf.cast(tf.shape(codes)[-1], tf.float32)
    mean, var = batch_moments(codes)
    dv = d * var + 1e-12
    return tf.reduce_mean(0.5 * (dv + d * tf.square(mean) - 1.0 - tf.math.log(dv)))


@keras.saving.register_keras_serializable(package="zoo")
class AGE(ZooModel):
    """Generator g(z) and encoder e(x), latents on the unit sphere (z ~ uniform on S^{d-1}, e(x) is
    the encoder network's output L2-normalised).

    One `fit` step = one encoder update, then `g_updates` generator updates (each with its own z):
    - encoder maximises Delta(e(g(z))) - Delta(e(x)) - mu L_X, L_X = mean |x - g(e(x))| (L1 per pixel);
    - generator minimises Delta(e(g(z))) + lam L_Z, L_Z = 1 - cos(z, e(g(z))) (the official code's
      cosine on the sphere).
    Defaults: the official CIFAR-10 setting mu = 10, lam = 1000, 2 generator updates (../shared/REFERENCES.md).

    Batch statistics: Delta's moments are GLOBAL under a strategy (all-reduced across replicas,
    see `batch_moments`), so 1 device and N replicas train the same model (tests/test_age.py). The
    reconstruction terms are per-example sums / global batch. Logged: e_loss, g_loss, delta_real,
    delta_fake, recon_x, recon_z. The training step counter is the encoder's (e_optimizer).
    """

    OPTIMIZERS = ("e_optimizer", "g_optimizer")
    NETS = ("generator", "encoder")

    def __init__(self, generator, encoder, mu=10.0, lam=1000.0, g_updates=2, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.encoder = encoder
        self.mu = float(mu)
        self.lam = float(lam)
        self.g_updates = int(g_updates)
        if self.g_updates < 1:
            raise ValueError(f"AGE needs at least one generator update per step, not {g_updates}")
        self.seed = int(seed)
        latent_dim = generator.inputs[0].shape[-1]
        if encoder.outputs[0].shape[-1] != latent_dim:
            raise ValueError(f"the AGE encoder must output latent_dim = {latent_dim} units")
        self._setup(latent_dim, generator.outputs[0].shape[1:], "sphere",
                    ["e_loss", "g_loss", "delta_real", "delta_fake", "recon_x", "recon_z"])

    def optimized_variables(self, name):
        net = self.encoder if name == "e_optimizer" else self.generator
        return net.trainable_variables

    code_description = "e(x) on the unit sphere"

    def encode(self, x):
        """e(x) on the unit sphere."""
        return self._encode(x, False)

    def _encode(self, x, training):
        return tf.math.l2_normalize(self.encoder(x, training=training), axis=-1)

    def train_step(self, data):
        x = self._batch(data)
        local_b = tf.shape(x)[0]
        n = noise.global_batch(local_b)
        step = self.e_optimizer.iterations
        fake = self.generator(self._draw_z(step, noise.CRITIC_Z, 0, local_b), training=True)
        with tf.GradientTape() as tape:
            code = self._encode(x, True)
            delta_real, delta_fake = delta(code), delta(self._encode(fake, True))
            l1 = tf.reduce_mean(tf.reshape(tf.abs(x - self.generator(code, training=True)), [local_b, -1]), 1)
            e_loss = delta_real - delta_fake + self.mu * tf.reduce_sum(l1) / n
        self._apply("e_optimizer", tape, e_loss)
        for k in range(self.g_updates):
            z = self._draw_z(step, noise.GENERATOR_Z, k, local_b)
            with tf.GradientTape() as tape:
                code = self._encode(self.generator(z, training=True), True)
                g_delta = delta(code)
                cos = 1.0 - tf.reduce_sum(z * code, axis=1)
                g_loss = g_delta + self.lam * tf.reduce_sum(cos) / n
            self._apply("g_optimizer", tape, g_loss)
        # Delta is already global on every replica; Keras averages the trackers over replicas
        self._track(e_loss=delta_real - delta_fake + self.mu * tf.reduce_mean(l1),
                    g_loss=g_delta + self.lam * tf.reduce_mean(cos), delta_real=delta_real,
                    delta_fake=delta_fake, recon_x=tf.reduce_mean(l1), recon_z=tf.reduce_mean(cos))
        return self._logs()

    def get_config(self):
        config = super().get_config()
        config.update(mu=self.mu, lam=self.lam, g_updates=self.g_updates, seed=self.seed)
        return config
