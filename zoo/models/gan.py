"""GAN: a generator and a discriminator (critic) trained by any objective of zoo.objectives."""
import keras
import tensorflow as tf

from zoo import objectives
from zoo.models import noise
from zoo.objectives import clip_weights, gradient_penalty


@keras.saving.register_keras_serializable(package="zoo")
class GAN(keras.Model):
    """Generator G(z), z ~ N(0, I), against a discriminator D(x) under `objective`.

    One `fit` step is ONE generator update preceded by `n_critic` critic updates, each on its own
    real sub-batch: the step's batch is [B, n_critic, ...] (a plain [B, ...] batch when n_critic is 1;
    `zoo.data.load(..., group=n_critic)` makes them). Losses are per-example sums divided by the
    global batch size, so gradients summed across replicas equal the single-device ones.

    Lipschitz control for the Wasserstein objective: `gp_weight` > 0 adds WGAN-GP's penalty,
    `clip_value` > 0 clips every critic weight to [-c, c] after every critic update (WGAN).

    f-GAN: objective="f_gan" with `divergence` (a name of zoo.objectives.fdiv.DIVERGENCES), its
    `divergence_param` (pi or alpha), `g_update` ("alternative" or "saddle") and `output_bound`
    (the critic output V becomes B tanh(V / B); None for the raw V).
    """

    def __init__(self, generator, discriminator, objective="non_saturating", n_critic=1,
                 gp_weight=0.0, clip_value=0.0, seed=0, divergence=None, divergence_param=None,
                 g_update="alternative", output_bound=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.objective = objective
        self.divergence = divergence
        self.divergence_param = None if divergence_param is None else float(divergence_param)
        self.g_update = g_update
        self.output_bound = None if output_bound is None else float(output_bound)
        self._objective_fn = objectives.make(objective, divergence, self.divergence_param, g_update,
                                             self.output_bound)
        self.n_critic = int(n_critic)
        self.gp_weight = float(gp_weight)
        self.clip_value = float(clip_value)
        self.seed = int(seed)
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.data_shape = tuple(int(d) for d in generator.outputs[0].shape[1:])
        names = ["d_loss", "g_loss"] + (["gp"] if self.gp_weight > 0 else [])
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self.built = True

    # --- the contract every zoo model offers -------------------------------------------------
    def call(self, z, training=False):
        return self.generator(z, training=training)

    def generate(self, z):
        """G(z) in inference mode (batch norm uses its moving statistics)."""
        return self.generator(z, training=False)

    def sample(self, n, seed=0, batch_size=None):
        """n samples G(z) with z ~ N(0, I) drawn from a stateless RNG keyed on `seed`.

        `batch_size` runs the generator on that many codes at a time (same samples, less memory).
        """
        z = tf.random.stateless_normal([n, self.latent_dim], seed=[seed, 0])
        if batch_size is None or n <= batch_size:
            return self.generate(z)
        return tf.concat([self.generate(z[i:i + batch_size]) for i in range(0, n, batch_size)], 0)

    @property
    def metrics(self):
        return list(self.trackers.values())

    # --- training ----------------------------------------------------------------------------
    def compile(self, g_optimizer, d_optimizer, **kwargs):
        """Two optimizers; `g_optimizer` is also `self.optimizer`, so its `iterations` is the step."""
        super().compile(optimizer=g_optimizer, **kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        g_optimizer.build(self.generator.trainable_variables)
        d_optimizer.build(self.discriminator.trainable_variables)

    def _score(self, x):
        return tf.reshape(self.discriminator(x, training=True), [-1])

    def _critic_step(self, x, step, k):
        local_b = tf.shape(x)[0]
        z = noise.replica_draw("normal", self.seed, step, noise.CRITIC_Z, k, local_b, [self.latent_dim])
        fake = self.generator(z, training=True)  # outside the tape: the critic step differentiates D only
        with tf.GradientTape() as tape:
            d_vec, _ = self._objective_fn(self._score(x), self._score(fake))
            if self.gp_weight > 0:
                eps = noise.replica_draw("uniform", self.seed, step, noise.PENALTY_EPS, k, local_b)
                gp_vec = gradient_penalty(self.discriminator, x, fake, eps)
                d_vec = d_vec + self.gp_weight * gp_vec
                self.trackers["gp"].update_state(tf.reduce_mean(gp_vec))
            d_loss = tf.reduce_sum(d_vec) / noise.global_batch(local_b)
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply(tape.gradient(d_loss, variables), variables)
        if self.clip_value > 0:
            clip_weights(variables, self.clip_value)
        # trackers hold this replica's mean; Keras averages them over replicas (equal slices)
        self.trackers["d_loss"].update_state(tf.reduce_mean(d_vec))

    def train_step(self, data):
        x = data[0] if isinstance(data, (tuple, list)) else data
        if x.shape.rank == len(self.data_shape) + 1:
            x = x[:, None]
        if x.shape[1] != self.n_critic:
            raise ValueError(f"a GAN step with n_critic={self.n_critic} takes batches of shape "
                             f"[B, {self.n_critic}, *{self.data_shape}], got {x.shape}")
        step = self.g_optimizer.iterations
        for k in range(self.n_critic):
            self._critic_step(x[:, k], step, k)
        local_b = tf.shape(x)[0]
        z = noise.replica_draw("normal", self.seed, step, noise.GENERATOR_Z, 0, local_b, [self.latent_dim])
        with tf.GradientTape() as tape:
            _, g_vec = self._objective_fn(None, self._score(self.generator(z, training=True)))
            g_loss = tf.reduce_sum(g_vec) / noise.global_batch(local_b)
        variables = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(g_loss, variables), variables)
        self.trackers["g_loss"].update_state(tf.reduce_mean(g_vec))
        return {m.name: m.result() for m in self.metrics}

    # --- serialisation -----------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(
            generator=keras.saving.serialize_keras_object(self.generator),
            discriminator=keras.saving.serialize_keras_object(self.discriminator),
            objective=self.objective, n_critic=self.n_critic, gp_weight=self.gp_weight,
            clip_value=self.clip_value, seed=self.seed, divergence=self.divergence,
            divergence_param=self.divergence_param, g_update=self.g_update,
            output_bound=self.output_bound)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("generator", "discriminator"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {"g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
                "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer)}

    def compile_from_config(self, config):
        self.compile(**{k: keras.saving.deserialize_keras_object(v) for k, v in config.items()})
