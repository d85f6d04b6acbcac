"""Training noise as a pure function of (seed, step, purpose), distinct per replica.

Each replica draws the noise of the WHOLE global batch from a stateless RNG keyed on
(seed, step, role, index) and keeps its own slice, in the order in which tf.distribute splits a
global batch of data. So one device and N replicas with the same seed and global batch see the same
(x, z) pairs, every replica gets different noise, and a resumed run continues the same stream.
The noise is tiny next to a network's work, so drawing it N times costs nothing measurable.
"""
import tensorflow as tf

# roles: what a draw is for (a new role must get a new number, never reuse one)
CRITIC_Z = 1
GENERATOR_Z = 2
PENALTY_EPS = 3
POSTERIOR_EPS = 4  # an encoder's noise: reparameterisation (VAE, ALI) or the implicit encoder's input (AVB)
PRIOR_Z = 5  # z ~ p(z) contrasted with posterior codes (AVB's adversary)


def replica_context():
    """(number of replicas in sync, this replica's id) in a train_step; (1, 0) outside a strategy."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None:
        return 1, 0
    return ctx.num_replicas_in_sync, ctx.replica_id_in_sync_group


def key(seed, step, role, index=0):
    """The stateless RNG key of draw (seed, step, role, index)."""
    k = tf.constant([seed, 0x5EED], tf.int64)
    for data in (tf.cast(step, tf.int64), role, index):
        k = tf.random.experimental.stateless_fold_in(k, data)
    return k


def replica_draw(kind, seed, step, role, index, local_batch, shape=()):
    """This replica's slice [local_batch, *shape] of a global draw of N(0, 1) or U[0, 1) noise."""
    n, replica = replica_context()
    full_shape = tf.concat([[local_batch * n], tf.constant(shape, tf.int32)], axis=0)
    rng = {"normal": tf.random.stateless_normal, "uniform": tf.random.stateless_uniform}[kind]
    full = rng(full_shape, seed=key(seed, step, role, index))
    start = tf.cast(replica, tf.int32) * local_batch
    return full[start:start + local_batch]


def global_batch(local_batch):
    """The global batch size as float32, for per-replica losses of sum / global batch."""
    n, _ = replica_context()
    return tf.cast(local_batch * n, tf.float32)
