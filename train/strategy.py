"""tf.distribute strategies by name, and splitting the CPU into logical devices."""
from zoo.errors import UserError, choose

STRATEGIES = ("default", "mirrored")


def split_cpu(n):
    """Makes the first CPU appear as n logical devices; must run before TensorFlow initialises."""
    import tensorflow as tf

    if n <= 1:
        return
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n)
    except RuntimeError:
        raise UserError("--cpu_replicas must be set before TensorFlow initialises") from None


def make(name, cpu_replicas=0):
    """The strategy `name`; `mirrored` with cpu_replicas >= 1 mirrors over that many CPU devices.

    Note: create ONE MirroredStrategy per process. A second one reuses collective instance keys of
    the first, and TensorFlow then fails with "Shape mismatch in the collective instance" (measured
    on TF 2.21 with 2 logical CPU devices).
    """
    import tensorflow as tf

    choose("strategy", name, dict.fromkeys(STRATEGIES))
    if name == "default":
        return tf.distribute.get_strategy()
    if cpu_replicas >= 1:
        return tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(cpu_replicas)])
    return tf.distribute.MirroredStrategy()
