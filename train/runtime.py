"""Process-wide set-up of TensorFlow's output, done once at the start of every TensorFlow command
(train, train.evaluate, export, the benchmarks), before TensorFlow loads.

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
