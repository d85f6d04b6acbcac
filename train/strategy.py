"""tf.distribute strategies by name, splitting the CPU into logical devices, and what a worker of a
multi-worker run writes where."""
import json
import os

from zoo.errors import UserError, choose

STRATEGIES = ("default", "mirrored", "multi_worker")


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


def intra_op_threads(config):
    """config.intra_op_threads (0 when absent), or a UserError if it is not an integer >= 0."""
    n = config.get("intra_op_threads", 0)
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise UserError(f"config.intra_op_threads must be an integer >= 0 (0: TensorFlow's default), not {n!r}")
    return n


def set_intra_op_threads(config):
    """Lets one TensorFlow op use at most config.intra_op_threads CPU threads (0: TensorFlow's
    default, one per core); must run before TensorFlow initialises. With 1, the independent small
    ops of a step (the two gradients of a matmul, the critic on real and on fake data) run side by
    side on the cores, where TensorFlow's default splits each small op across all cores and waits:
    per-family measurements in benchmarks/results/settings.md."""
    import tensorflow as tf

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
            "set: python -m train sets it; from Python, call train.strategy.set_intra_op_threads(config) "
            "before any TensorFlow op)")


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
    return workdir if chief else os.path.join(workdir, "workers", f"{kind}-{index}")


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
