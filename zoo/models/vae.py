"""VAE (Kingma & Welling 2014): a Gaussian encoder q(z|x), a decoder p(x|z), the ELBO; the
importance-weighted bound (Burda et al. 2016) for evaluation."""
import math

import keras
import tensorflow as tf

from zoo.models import likelihood as lik
from zoo.models import noise
from zoo.models.base import ZooModel


@keras.saving.register_keras_serializable(package="zoo")
class VAE(lik.Decoder, ZooModel):
    """q(z|x) = N(mu(x), diag exp(logvar(x))) from an `encoder` with 2 latent_dim linear outputs
    [mu, logvar]; p(z) = N(0, I); p(x|z) from the `decoder`'s output (`likelihood` "bernoulli":
    logits, for -1/+1 binary data; "gaussian": the mean, with fixed std `likelihood_std`).

    One `fit` step: one Adam step on the negative ELBO, -log p(x|z) + KL(q(z|x) || p(z)), with one
    reparameterised z per example (loss = per-example sum / global batch). Nothing is computed
    across the batch, so 1 device and N replicas train the same model.
    Logged: loss (negative ELBO, nats), recon (-log p(x|z)), kl.
    """

    OPTIMIZERS = ("vae_optimizer",)
    NETS = ("encoder", "decoder")
    BUILT_AS = {"decoder": "generator"}
    # the metric name of -elbo(x): a true bound on -log p(x) (zoo.metrics.suite)
    NELBO_METRIC = "nelbo"

    def __init__(self, encoder, decoder, likelihood="bernoulli", likelihood_std=1.0, iwae_k=100, seed=0,
                 **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self._setup_decoder(decoder, likelihood, likelihood_std)
        self.iwae_k = int(iwae_k)
        self.seed = int(seed)
        latent_dim = decoder.inputs[0].shape[-1]
        if encoder.outputs[0].shape[-1] != 2 * latent_dim:
            raise ValueError(f"a VAE encoder outputs [mu, logvar] of 2 x {latent_dim} units, "
                             f"not {encoder.outputs[0].shape[-1]}")
        self._setup(latent_dim, decoder.outputs[0].shape[1:], "normal", ["loss", "recon", "kl"])

    def optimized_variables(self, name):
        return self.encoder.trainable_variables + self.decoder.trainable_variables

    # --- the model's distributions -----------------------------------------------------------
    def posterior(self, x, training=False):
        """(mu, logvar) of q(z|x)."""
        mu, logvar = tf.split(self.encoder(x, training=training), 2, axis=-1)
        return mu, logvar

    code_description = "the posterior mean mu(x)"

    def encode(self, x):
        """The posterior mean mu(x)."""
        return self.posterior(x)[0]

    def proposal(self, x, seed=0):
        """(mean, log std) of the Gaussian that starts AIS (zoo.metrics.ais): q(z|x) itself."""
        mu, logvar = self.posterior(x)
        return mu, 0.5 * logvar

    def posterior_sample(self, x, seed):
        """One z ~ q(z|x) per example, drawn with the stateless `seed`."""
        mu, logvar = self.posterior(x)
        return mu + tf.exp(0.5 * logvar) * tf.random.stateless_normal(tf.shape(mu), seed=seed)

    # --- bounds ------------------------------------------------------------------------------
    def _terms(self, x, eps, training=False):
        mu, logvar = self.posterior(x, training)
        z = mu + tf.exp(0.5 * logvar) * eps
        return self.log_likelihood(x, z, training), lik.gaussian_kl(mu, logvar)

    def elbo(self, x, seed=0):
        """The ELBO per example, log p(x|z) - KL(q||p) with one z ~ q(z|x) (KL in closed form): [B]."""
        eps = tf.random.stateless_normal([tf.shape(x)[0], self.latent_dim], seed=[seed, 1])
        rec, kl = self._terms(x, eps)
        return rec - kl

    def iwae(self, x, k=None, seed=0):
        """The importance-weighted bound log (1/k) sum_i p(x, z_i) / q(z_i|x), z_i ~ q(z|x), per
        example (Burda et al. 2016, Eq. 8): [B]. k = 1 is the ELBO estimated by sampling."""
        k = k or self.iwae_k
        mu, logvar = self.posterior(x)
        b = tf.shape(x)[0]
        eps = tf.random.stateless_normal([k, b, self.latent_dim], seed=[seed, 2])
        z = mu + tf.exp(0.5 * logvar) * eps  # [k, B, d]
        xs = tf.repeat(x[None], k, axis=0)
        rec = self.log_likelihood(tf.reshape(xs, [-1, *self.data_shape]), tf.reshape(z, [-1, self.latent_dim]))
        log_w = (tf.reshape(rec, [k, b]) + lik.log_normal(z)
                 - lik.log_normal(z, mu, 0.5 * logvar))
        return tf.reduce_logsumexp(log_w, axis=0) - math.log(k)

    # --- training ----------------------------------------------------------------------------
    def train_step(self, data):
        x = self._batch(data)
        local_b = tf.shape(x)[0]
        step = self.vae_optimizer.iterations
        eps = noise.replica_draw("normal", self.seed, step, noise.POSTERIOR_EPS, 0, local_b, [self.latent_dim])
        with tf.GradientTape() as tape:
            rec, kl = self._terms(x, eps, training=True)
            loss_vec = kl - rec
            loss = tf.reduce_sum(loss_vec) / noise.global_batch(local_b)
        self._apply("vae_optimizer", tape, loss)
        self._track(loss=tf.reduce_mean(loss_vec), recon=-tf.reduce_mean(rec), kl=tf.reduce_mean(kl))
        return self._logs()

    def get_config(self):
        config = super().get_config()
        config.update(iwae_k=self.iwae_k, seed=self.seed, **self.decoder_config())
        return config

