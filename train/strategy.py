"""tf.distribute strategies by name, and what a worker of a multi-worker run writes where and reads
(splitting the CPU into logical devices is process-wide set-up: train.runtime)."""
import json
import os

from train import workdir as workdirs
from zoo.errors import UserError, choose

STRATEGIES = ("default", "mirrored", "multi_worker")


def worker():
    """(task type, task index, is chief) of this process from TF_CONFIG; ("worker", 0, True) without
    it. The chief is the task of type "chief", or worker 0 of a cluster without one."""
    try:
        tf_config = json.loads(os.environ.get("TF_CONFIG") or "{}")
        task, cluster = tf_config.get("task", {}), tf_config.get("cluster", {})
        kind, index = task.get("type", "worker"), int(task.get("index", 0))
    except (ValueError, TypeError, AttributeError) as e:
        raise UserError(f"TF_CONFIG is not valid JSON of the form {{\"cluster\": {{\"worker\": [...]}}, "
                        f"\"task\": {{\"type\": \"worker\", \"index\": 0}}}}: {e}") from None
    return kind, index, kind == "chief" or (kind == "worker" and index == 0 and "chief" not in cluster)


def make(name, cpu_replicas=0):
    """The strategy `name`; `mirrored` with cpu_replicas >= 1 mirrors over that many CPU devices;
    `multi_worker` is MultiWorkerMirroredStrategy configured by the TF_CONFIG environment variable.

    Note: create ONE MirroredStrategy per process. A second one reuses collective instance keys of
    the first, and TensorFlow then fails with "Shape mismatch in the collective instance" (measured
    on TF 2.21 with 2 logical CPU devices).
    """
    import tensorflow as tf

    choose("strategy", name, dict.fromkeys(STRATEGIES))
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "multi_worker":
        if not os.environ.get("TF_CONFIG"):
            raise UserError("--strategy=multi_worker needs the TF_CONFIG environment variable (the cluster's "
                            "workers and this process's task; README, 'Distributed training')")
        worker()  # a clear error for a malformed TF_CONFIG
        return tf.distribute.MultiWorkerMirroredStrategy()
    if cpu_replicas >= 1:
        return tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(cpu_replicas)])
    return tf.distribute.MirroredStrategy()


def is_multi_worker(strategy):
    import tensorflow as tf

    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


def worker_dir(workdir, strategy):
    """Where this process writes: the chief (and every single-process run) writes `workdir`; another
    worker of a multi-worker run writes its own WORKDIR/workers/TYPE-INDEX (checkpoints and backups
    must be saved by every worker, since saving reads replicated state collectively; only the
    chief's are the run's). Its backup there is what the worker resumes from."""
    if not is_multi_worker(strategy):
        return workdir
    kind, index, chief = worker()
    return workdir if chief else os.path.join(workdir, workdirs.WORKERS, f"{kind}-{index}")


def distribute(strategy, make_dataset, global_batch):
    """The training input for `fit`: `make_dataset()` (a dataset of GLOBAL batches) as it is, or in
    multi-worker mode one input pipeline per worker that keeps its contiguous slice of each global
    batch, the slice a mirrored split gives the same replicas. So 1 device, N local replicas and N
    workers see the same examples with the same noise (zoo.models.noise slices by replica id);
    TensorFlow's default auto-sharding would instead hand workers interleaved examples."""
    if not is_multi_worker(strategy):
        return make_dataset()
    import tensorflow as tf

    def pipeline(context):
        per = global_batch // context.num_input_pipelines
        start = context.input_pipeline_id * per

        def cut(*element):
            return tf.nest.map_structure(lambda t: t[start:start + per], element if len(element) > 1 else element[0])

        return make_dataset().map(cut)

    return strategy.distribute_datasets_from_function(pipeline)


def local_cluster(workers):
    """TF_CONFIG values for `workers` processes forming one cluster on 127.0.0.1 (free ports), the
    value for task index i at position i: how to run multi-worker training on one machine."""
    import socket

    sockets = [socket.socket() for _ in range(workers)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    cluster = {"worker": [f"127.0.0.1:{s.getsockname()[1]}" for s in sockets]}
    for s in sockets:
        s.close()
    return [json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}}) for i in range(workers)]
