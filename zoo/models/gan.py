"""GAN: a generator and a discriminator (critic) trained by any objective of zoo.objectives,
optionally with the Tempered lens (Sajjadi et al. 2018) in front of the critic's real data."""
import math

import keras
import tensorflow as tf

from zoo import objectives
from zoo.errors import UserError, is_integer, positive
from zoo.models import noise
from zoo.models.base import ZooModel
from zoo.models.packing import pack
from zoo.objectives import clip_weights, gradient_penalty


def lens_lambda(step, k):
    """Tempered's annealing weight of the lens's adversarial term: 1 - sin(t pi / (2K)) for t <= K,
    0 afterwards (and always 0 for K = 0). `step` is the generator update t (a tensor or a number)."""
    t = tf.cast(step, tf.float32)
    if k <= 0:
        return tf.zeros_like(t)
    return tf.where(t <= k, 1.0 - tf.sin(tf.minimum(t, float(k)) * (math.pi / (2.0 * k))), 0.0)


def _has_batch_norm(net):
    """Whether any layer of `net` (nested models included) is a BatchNormalization."""
    return any(isinstance(layer, keras.layers.BatchNormalization) or
               (isinstance(layer, keras.Model) and _has_batch_norm(layer)) for layer in net.layers)


@keras.saving.register_keras_serializable(package="zoo")
class GAN(ZooModel):
    """Generator G(z), z ~ N(0, I), against a discriminator D(x) under `objective`.

    One `fit` step is ONE generator update preceded by `n_critic` critic updates, each on its own
    real sub-batch: the step's batch is [B, n_critic, ...] (a plain [B, ...] batch when n_critic is 1;
    `zoo.data.load(..., group=n_critic)` makes them). Losses are per-example sums divided by the
    global batch size, so gradients summed across replicas equal the single-device ones.

    Packing (PacGAN, Lin et al. 2018): `pac` = m > 1 makes the critic score packs of m samples
    (zoo.models.packing; its input is `packed_shape(data_shape, m)`): every batch of B real or generated
    samples becomes B / m packs, each replica's batch must be a multiple of m, and the losses (and the
    penalty, one eps per pack) are per pack, summed and divided by the global number of packs. The
    generator makes the same B samples per step as without packing.

    The critic scores the real and the generated batch of a critic update in one call when it has
    no batch norm (`joint_critic_call`; same scores, half the calls: the toy critics), in two calls
    otherwise, since batch norm's statistics are per call.

    Lipschitz control for the Wasserstein objective: `gp_weight` > 0 adds WGAN-GP's penalty,
    `clip_value` > 0 clips every critic weight to [-c, c] after every critic update (WGAN).

    `objective` is a name of zoo.objectives.NAMES or {name: ..., **its options} (a config's
    model.objective). f-GAN: {name: "f_gan", divergence: a name of zoo.objectives.fdiv.DIVERGENCES,
    divergence_param: pi or alpha, g_update: "alternative" or "saddle", output_bound: B (the critic
    output V becomes B tanh(V / B); None or 0 for the raw V)}.

    Mixed precision (a config option for GPUs, train.build): the networks may compute in float16 or
    bfloat16 with float32 variables; scores, samples and losses are cast to float32 here, and a
    LossScaleOptimizer (mixed_float16) scales each loss on its tape (ZooModel._apply).

    Tempered lens: `lens` (a network x -> L(x), zoo.nets.lens) and `lens_k` (K) make the critic see
    L(x) in place of every real x, with the objective otherwise unchanged (the gradient penalty
    interpolates between L(x) and G(z)). After the critic updates, the lens takes one step of its
    own optimizer (`lens_optimizer`) on the last real sub-batch, against the updated critic:
        L_lens = lambda(t) L_adv + L_rec,  lambda(t) = `lens_lambda(t, K)`,
        L_adv = the critic's loss with L(x) in the fake slot and G(z) in the real one,
        L_rec = ||x - L(x)||^2 / (values per example), the mean squared error of each example.
    The paper's lens is adversarial to the critic (Sajjadi et al. 2018: L_L^A ~ -L_D): it
    moves the real data toward what the critic takes for generated. -L_D itself has no gradient where
    the critic is right about L(x) (logistic critics: d(-softplus(-s))/ds = sigmoid(-s) -> 0; least
    squares: 1 - s -> 0 at the real label), so the lens uses the non-saturating form, the critic's
    loss on L(x) labelled fake, as the non-saturating generator does for G(z) labelled real; for
    the Wasserstein critic the two are the same (gradient +1 on the critic value). The penalty term
    of WGAN-GP is the critic's regulariser, not a score of L(x), and is not part of L_adv.
    L_rec is a mean over the example's values, not a sum: summed over MNIST's 784 pixels against
    an O(1) L_adv it held the lens within 0.006 RMS per pixel of the identity and let the critic win
    (benchmarks/results/lens_weighting.md).
    No other player's gradient reaches the lens, and the lens's loss updates nothing but the lens.
    After K the lens keeps training on L_rec alone (it stays in front of the critic, near the
    identity; the `lens_rec` tracker shows how near). The generator, and so every export, never
    sees the lens.
    """

    OPTIMIZERS = ("g_optimizer", "d_optimizer")
    NETS = ("generator", "discriminator")
    OPTIONAL = {"lens": "lens_optimizer"}

    def __init__(self, generator, discriminator, objective="non_saturating", n_critic=1,
                 gp_weight=0.0, clip_value=0.0, seed=0, lens=None, lens_k=0, pac=1, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self._objective_fn = GAN.check_options(
            objective=objective, n_critic=n_critic, gp_weight=gp_weight, clip_value=clip_value, lens_k=lens_k, pac=pac)
        # {name: ..., **its options}, as a config has it
        self.objective = objectives.spec(objective)
        self.n_critic = int(n_critic)
        self.gp_weight = float(gp_weight)
        self.clip_value = float(clip_value)
        self.seed = int(seed)
        self.pac = int(pac)
        self.lens = lens
        self.lens_k = int(lens_k)
        # one critic call on real and fake together where the critic scores each input on its own
        # (no batch norm, whose statistics are per call): the same scores in half the calls
        self.joint_critic_call = not _has_batch_norm(discriminator)
        names = ["d_loss", "g_loss"] + (["gp"] if self.gp_weight > 0 else [])
        if lens is not None:
            names += ["lens_adv", "lens_rec", "lens_lambda"]
        self._setup(generator.inputs[0].shape[-1], generator.outputs[0].shape[1:], "normal", names)

    @classmethod
    def check_options(cls, **options):
        """Checks constructor options (any subset; the rest take the constructor's defaults) without
        building a network, as the trainer does before it touches anything, and returns the objective
        function they make (zoo.objectives.make). Raises UserError naming the config key."""
        o = super().check_options(**options)
        for key in ("n_critic", "pac"):
            positive(f"model.{key}", o[key])
        if not is_integer(o["lens_k"], 0):
            raise UserError(f"config.model.lens_k (K, the lens's annealing steps) must be an integer >= 0, "
                            f"not {o['lens_k']!r}")
        if o["clip_value"] > 0 and o["gp_weight"] > 0:
            raise UserError("choose weight clipping (clip_value) or a gradient penalty (gp_weight), not both")
        return objectives.make(o["objective"])

    def lens_active(self, step):
        """Whether the lens still changes what the critic sees: t <= K (its weight lens_lambda > 0 before K)."""
        return self.lens is not None and step <= self.lens_k

    def optimized_variables(self, name):
        nets = {"g_optimizer": self.generator, "d_optimizer": self.discriminator, "lens_optimizer": self.lens}
        return nets[name].trainable_variables

    def _score(self, x):
        """The critic's scores of the packs of x (of each example when pac is 1), float32 [B / pac]."""
        return tf.cast(tf.reshape(self.discriminator(pack(x, self.pac), training=True), [-1]), tf.float32)

    def _scores(self, x, fake):
        """The critic's scores of the real x and of `fake`: one call on both if `joint_critic_call`."""
        if not self.joint_critic_call:
            return self._score(x), self._score(fake)
        scores = self._score(tf.concat([x, fake], 0))
        n = tf.shape(x)[0] // self.pac
        return scores[:n], scores[n:]

    @staticmethod
    def _global_mean(vec):
        """sum(vec) over this replica / the global number of entries: per-replica losses whose
        gradients, summed over replicas, are the single-device mean's."""
        return tf.reduce_sum(vec) / noise.global_batch(tf.shape(vec)[0])

    def _fake(self, z):
        """G(z) in training mode, float32 (under mixed precision G computes in float16/bfloat16)."""
        return tf.cast(self.generator(z, training=True), tf.float32)

    def _critic_step(self, x, step, k):
        local_b = tf.shape(x)[0]
        z = self._draw_z(step, noise.CRITIC_Z, k, local_b)
        fake = self._fake(z)  # outside the tape: the critic step differentiates D only
        with tf.GradientTape() as tape:
            d_vec, _ = self._objective_fn(*self._scores(x, fake))
            if self.gp_weight > 0:  # one eps per critic input: per pack
                eps = noise.replica_draw("uniform", self.seed, step, noise.PENALTY_EPS, k, local_b // self.pac)
                gp_vec = gradient_penalty(self.discriminator, pack(x, self.pac), pack(fake, self.pac), eps)
                d_vec = d_vec + self.gp_weight * gp_vec
                self._track(gp=tf.reduce_mean(gp_vec))
            d_loss = self._global_mean(d_vec)
        self._apply("d_optimizer", tape, d_loss)
        if self.clip_value > 0:
            clip_weights(self.discriminator.trainable_variables, self.clip_value)
        self._track(d_loss=tf.reduce_mean(d_vec))
        return fake

    @staticmethod
    def _lens_reconstruction(x, lx):
        """L_rec per example, [B]: the mean squared error over the example's values."""
        return tf.reduce_mean(tf.square(x - lx), axis=list(range(1, x.shape.rank)))

    def _lens_step(self, x, lx, fake, tape, step):
        """One lens update on real x, whose L(x) `lx` was computed under `tape` (reused, not redone),
        against the critic's scores of the last critic step's `fake`."""
        lam = lens_lambda(step, self.lens_k)
        fake_score = tf.stop_gradient(self._score(fake))
        with tape:
            adv, _ = self._objective_fn(fake_score, self._score(lx))  # L(x) labelled fake
            rec = self._lens_reconstruction(x, lx)
            loss = lam * self._global_mean(adv) + self._global_mean(rec)  # adv per pack, rec per example
        self._apply("lens_optimizer", tape, loss)
        self._track(lens_adv=tf.reduce_mean(adv), lens_rec=tf.reduce_mean(rec), lens_lambda=lam)

    def train_step(self, data):
        x = self._batch(data)
        if x.shape.rank == len(self.data_shape) + 1:
            x = x[:, None]
        if x.shape[1] != self.n_critic:
            raise ValueError(f"a GAN step with n_critic={self.n_critic} takes batches of shape "
                             f"[B, {self.n_critic}, *{self.data_shape}], got {x.shape}")
        step = self.g_optimizer.iterations
        for k in range(self.n_critic):
            real = x[:, k]
            if self.lens is not None:
                tape = tf.GradientTape()
                with tape:  # the last sub-batch's L(x) is reused by the lens step
                    lx = tf.cast(self.lens(real, training=True), tf.float32)
                real = tf.stop_gradient(lx)
            fake = self._critic_step(real, step, k)
        if self.lens is not None:
            self._lens_step(x[:, -1], lx, fake, tape, step)
        local_b = tf.shape(x)[0]
        z = self._draw_z(step, noise.GENERATOR_Z, 0, local_b)
        with tf.GradientTape() as tape:
            _, g_vec = self._objective_fn(None, self._score(self._fake(z)))
            g_loss = self._global_mean(g_vec)
        self._apply("g_optimizer", tape, g_loss)
        self._track(g_loss=tf.reduce_mean(g_vec))
        return self._logs()

    # --- serialisation -----------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(
            objective=dict(self.objective), n_critic=self.n_critic, gp_weight=self.gp_weight,
            clip_value=self.clip_value, seed=self.seed, lens_k=self.lens_k, pac=self.pac)
        return config

    @classmethod
    def from_config(cls, config):
        """Also reads a checkpoint saved while the f-GAN's options were the model's own (divergence,
        divergence_param, g_update, output_bound next to objective="f_gan"): they become the objective's."""
        config = dict(config)
        options = {key: config.pop(key) for key in objectives.F_GAN_OPTIONS if key in config}
        if isinstance(config.get("objective"), str) and config["objective"] == objectives.F_GAN:
            config["objective"] = {"name": objectives.F_GAN, **options}
        return super().from_config(config)
