"""One worker of a multi-worker parity run (launched by tests/test_multi_worker.py, TF_CONFIG set).

    python tests/multi_worker_job.py OUT_DIR STEPS OPTIMIZER FAMILY [FAMILY ...] [--no-workaround]

Trains each family's small test model (tests.helpers) under MultiWorkerMirroredStrategy on the
family's data, fed through train.strategy.distribute exactly as the trainer feeds it, and the chief
saves the final weights to OUT_DIR/FAMILY.npz. --no-workaround disables zoo.models.base's
multi-worker log fix, to check that Keras still needs it.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tests import helpers  # noqa: E402
from train import strategy as strategies  # noqa: E402
from zoo.models import base  # noqa: E402


def main(out, steps, optimizer, families, workaround=True):
    if not workaround:
        base.multi_worker_logs = lambda logs: logs
    strategy = strategies.make("multi_worker")
    for family in families:
        model, make_data = helpers.parity_model(family, strategy, optimizer)
        ds = strategies.distribute(strategy, make_data, 64)
        history = model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False).history
        if strategies.worker()[2]:
            np.savez(os.path.join(out, f"{family}.npz"), *model.get_weights(),
                     **{f"log_{k}": np.asarray(v[-1]) for k, v in history.items()})
        print(family, "done", flush=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--no-workaround"]
    main(args[0], int(args[1]), args[2], args[3:], workaround="--no-workaround" not in sys.argv)
