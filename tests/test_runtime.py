"""train.runtime: commands are quiet by default, ZOO_VERBOSE=1 brings TensorFlow's lines back, and
only TensorFlow's own log lines are dropped."""
import os
import subprocess
import sys

from train import runtime

START = "from train import runtime; runtime.quiet(); import tensorflow as tf; print(float(tf.reduce_sum(tf.ones(3))))"


def _start(**env):
    full = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    return subprocess.run([sys.executable, "-c", START], env=full, capture_output=True, text=True, timeout=300)


def test_quiet_by_default_and_verbose_on_request():
    quiet = _start(TF_CPP_MIN_LOG_LEVEL=None, ZOO_VERBOSE=None)
    assert quiet.returncode == 0 and quiet.stdout == "3.0\n" and quiet.stderr == ""
    loud = _start(TF_CPP_MIN_LOG_LEVEL=None, ZOO_VERBOSE="1")
    assert loud.returncode == 0 and loud.stdout == "3.0\n"
    assert any(runtime.TF_LOG_LINE.match(line) for line in loud.stderr.splitlines()), loud.stderr


def test_only_tensorflow_log_lines_are_dropped(capfd):
    with runtime._without_tf_log_lines():
        for line in (b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
                     b"I0000 00:00:1795452667.445895   14191 port.cc:153] oneDNN custom operations are on.\n",
                     b"E0000 00:00:1795452504.538721   12739 cuda_platform.cc:52] failed call to cuInit\n",
                     b"ImportError: a real problem\n",
                     b"F0000 00:00:1795452504.538721   12739 x.cc:1] a fatal error stays\n"):
            os.write(2, line)
    assert capfd.readouterr().err == ("ImportError: a real problem\n"
                                      "F0000 00:00:1795452504.538721   12739 x.cc:1] a fatal error stays\n")
