"""The process-wide TensorFlow set-up the zoo's models need, in one place: `import zoo` calls
`setup()` once, before any model is built (train.runtime, which quiets TensorFlow's output before it
loads, is the trainer's side of the same idea)."""
import tensorflow as tf


def setup():
    keep_step_ordering()


def keep_step_ordering():
    """Turns off Grappler's dependency optimizer, process-wide (TF 2.21, CPU).

    With it on, a train step sometimes took a second, fixed result: the same first step of the same
    model on the same batch gave either of two weight sets 9.2e-5 apart (3% of the step; a 1-ulp
    change of the input moves them 1e-10) in 5 of 60 fresh processes (each traced two models), and a
    40-step f-GAN left its path in 4 of ~100 processes, ending 1e-3 off. With the dependency
    optimizer off: 0 of 60 and 0 of 50 (the remapper or the arithmetic optimizer off instead: 6 and 5
    of 60; all of Grappler off: 0 of 60). The pass prunes control edges it deems redundant; which edge
    mattered here was not identified. tests/test_gan_model.py checks that importing zoo sets this.
    """
    tf.config.optimizer.set_experimental_options({"dependency_optimization": False})
