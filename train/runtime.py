"""All process-wide TensorFlow set-up of the commands, in one place.

`quiet()`: TensorFlow's output, done once at the start of every TensorFlow command (train,
train.evaluate, export, the benchmarks), before TensorFlow loads. `setup(config, ...)`: what a
training process sets before TensorFlow initialises (python -m train calls it once, after its
flags): the config's intra-op threads, the CPU split into logical devices, op determinism. The one
option the zoo's models need in every process, Grappler's dependency optimizer off, is set by
`import zoo` (zoo/runtime.py), so a model built from Python without this module has it too.

By default a command prints only what it has to say: TensorFlow's C++ log is limited to fatal
errors (TF_CPP_MIN_LOG_LEVEL=3, unless the environment sets it), the lines TensorFlow's libraries
write while they load (the oneDNN notice, "Could not find cuda drivers", absl's "All log messages
before absl::InitializeLog()") are dropped, and Python's absl log shows errors only. ZOO_VERBOSE=1
in the environment keeps all of it. Progress bars are Keras's interactive ones on a terminal and
one plain line per epoch elsewhere (Keras always animates on POSIX, with ANSI escape codes, which
end up in log files).
"""
import contextlib
import os
import re
import sys
import tempfile

# TensorFlow and the zoo (zoo.errors too: `import zoo` loads TensorFlow) are imported inside the
# functions, so that quiet() and setup() run before TensorFlow loads
VERBOSE = os.environ.get("ZOO_VERBOSE", "") not in ("", "0")
# a line of TensorFlow's C++ log (absl format: severity, date, time, thread, file:line]) or absl's
# notice before its log is initialised
TF_LOG_LINE = re.compile(r"^(WARNING: All log messages before absl::InitializeLog\(\)|[IWE]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\])")


def quiet():
    """Quiets TensorFlow for this process (nothing with ZOO_VERBOSE=1); call before TensorFlow loads."""
    if VERBOSE:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from absl import logging

    logging.set_verbosity(logging.ERROR)  # tf2onnx, tfds and the SavedModel writer's INFO lines
    if "tensorflow" not in sys.modules:
        with _without_tf_log_lines():
            import tensorflow  # noqa: F401


def progress_verbosity():
    """`verbose` for model.fit: the animated bar on a terminal, one line per epoch otherwise."""
    return 1 if sys.stdout.isatty() else 2


@contextlib.contextmanager
def _without_tf_log_lines():
    """Captures file descriptor 2 (C++ writes there directly) and passes on every line that is not
    TensorFlow's C++ log, so an error raised while loading is still seen."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [line for line in captured.read().decode(errors="replace").splitlines(keepends=True)
                    if not TF_LOG_LINE.match(line)]
            sys.stderr.write("".join(kept))


def setup(config, cpu_replicas=0, deterministic=False):
    """The process-wide set-up of a training process, before TensorFlow initialises: at most
    config.intra_op_threads threads per op, the first CPU split into `cpu_replicas` logical devices
    (for mirrored training on a CPU), and TensorFlow's op determinism when `deterministic`."""
    set_intra_op_threads(config)
    split_cpu(cpu_replicas)
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def split_cpu(n):
    """Makes the first CPU appear as n logical devices; must run before TensorFlow initialises."""
    import tensorflow as tf

    from zoo.errors import UserError

    if n <= 1:
        return
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n)
    except RuntimeError:
        raise UserError("--cpu_replicas must be set before TensorFlow initialises") from None


def intra_op_threads(config):
    """config.intra_op_threads (0 when absent), or a UserError if it is not an integer >= 0."""
    from zoo.errors import UserError, is_integer

    n = config.get("intra_op_threads", 0)
    if not is_integer(n, 0):
        raise UserError(f"config.intra_op_threads must be an integer >= 0 (0: TensorFlow's default), not {n!r}")
    return n


def set_intra_op_threads(config):
    """Lets one TensorFlow op use at most config.intra_op_threads CPU threads (0: TensorFlow's
    default, one per core); must run before TensorFlow initialises. With 1, the independent small
    ops of a step (the two gradients of a matmul, the critic on real and on fake data) run side by
    side on the cores, where TensorFlow's default splits each small op across all cores and waits:
    per-family measurements in benchmarks/results/settings.md."""
    import tensorflow as tf

    from zoo.errors import UserError

    n = intra_op_threads(config)
    if not n:
        return
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
    except RuntimeError:
        raise UserError("config.intra_op_threads must be set before TensorFlow initialises") from None


def intra_op_threads_warning(config):
    """A one-line warning if config.intra_op_threads is not what TensorFlow runs with (it started
    before set_intra_op_threads was called), else None."""
    import tensorflow as tf

    n = intra_op_threads(config)
    if tf.config.threading.get_intra_op_parallelism_threads() == n:
        return None
    return (f"warning: config.intra_op_threads={n} is not in effect (TensorFlow started before it was "
            "set: python -m train sets it; from Python, call train.runtime.set_intra_op_threads(config) "
            "before any TensorFlow op)")
