"""The trainer: config -> strategy -> model.fit -> evaluate -> export.

Workdir layout (the contract in DESIGN.md): checkpoints/ (ckpt-STEP.keras, whole models),
backup/ (resume state, callbacks.AtomicBackup), logs/ (TensorBoard), samples/ (PNG per epoch),
config.json, metrics.json, export/.
"""
import json
import os
import sys

import keras

from train import build, callbacks, runtime
from zoo import data, files
from zoo.errors import UserError


LOCK = ".lock"


def lock(workdir):
    """Takes WORKDIR/.lock for this process: one trainer per workdir. An flock, which the OS releases
    when its process ends however it ends, so a dead trainer never blocks the next one (its pid left
    in the file gets a note). Returns the file descriptor (os.close releases it); a UserError names
    the live process that holds it."""
    import fcntl

    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, LOCK)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    previous = os.pread(fd, 32, 0).decode(errors="replace").strip()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise UserError(f"another trainer (process {previous or '?'}) is running on {workdir}: wait for it to end, "
                        f"or use another --workdir") from None
    if previous and previous != str(os.getpid()):
        print(f"note: taking over {path} from process {previous}, which has ended", file=sys.stderr)
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def check_workdir_config(config, workdir, write):
    """Refuses a workdir that holds a run of a different config; writes DIR/config.json if `write`.

    Only `steps` (to train longer), `eval` (what is measured, not how it trains) and
    `intra_op_threads` (how fast, not what) may change between runs on one workdir.
    """
    if os.path.exists(workdir) and not os.path.isdir(workdir):
        raise UserError(f"--workdir {workdir} is a file, not a folder")
    path = os.path.join(workdir, "config.json")
    new = json.loads(config.to_json())
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
        free = ("steps", "eval", "intra_op_threads")
        differ = sorted(k for k in set(old) | set(new) if k not in free and old.get(k) != new.get(k))
        if differ:
            raise UserError(f"{workdir} holds a run with a different config (keys {', '.join(differ)} "
                            f"differ); use a new --workdir, or the same config to resume")
    if write:
        os.makedirs(workdir, exist_ok=True)
        files.write_json(path, new)


def resume_step(workdir, steps_per_epoch):
    """The step the backup resumes from (0 for a new run): callbacks.AtomicBackup's epoch count."""
    pointer = callbacks.read_backup(os.path.join(workdir, "backup"))
    return 0 if pointer is None else pointer["epoch"] * steps_per_epoch


def data_info(name):
    info = dict(name=name, shape=list(data.data_shape(name)))
    if data.is_toy(name):
        info.update(value_range=None, to_pixels=None)
    elif data.is_image(name):
        info.update(value_range=[-1.0, 1.0], to_pixels="uint8 = round((clip(x, -1, 1) + 1) * 127.5)")
    else:
        info.update(value_range=[-1.0, 1.0], to_pixels=None)
    if name in data.BINARY:
        info.update(binary="data are -1/+1; the model outputs E[x|z] = 2 P(x = +1 | z) - 1")
    return info


def evaluate(model, config, num_samples=None):
    """The final metrics of `model`: every metric of zoo.metrics.suite that fits the config's data,
    on config.eval.num_samples (or `num_samples`) samples drawn with seed config.seed + 1."""
    from zoo.metrics import suite

    return suite.evaluate(model, config.data.name, num_samples or config.eval.num_samples, seed=config.seed + 1,
                          features=config.eval.get("features", "classifier"),
                          download=config.data.download, ais=dict(config.eval.get("ais", {})))


def write_metrics(model, config, workdir, losses=None):
    metrics = evaluate(model, config)
    if losses is None and os.path.exists(os.path.join(workdir, "metrics.json")):
        with open(os.path.join(workdir, "metrics.json")) as f:
            losses = json.load(f).get("final_losses")
    step = callbacks.step_of(model)
    files.write_json(os.path.join(workdir, "metrics.json"),
                     dict(step=step, dataset=config.data.name, metrics=metrics, final_losses=losses or {}))
    return metrics


def export_run(model, config, workdir, metrics, formats=None):
    from export import lib as export_lib

    info = dict(data=data_info(config.data.name), model=config.model, objective=config.get("objective"),
                config=config.name, steps=callbacks.step_of(model), metrics=metrics)
    if config.get("objective") == "f_gan":
        info.update(divergence=config.divergence, divergence_param=config.divergence_param)
    return export_lib.export(model, os.path.join(workdir, "export"), info, formats or export_lib.FORMATS)


def run(config, workdir, strategy, verbose=None):
    """Trains (or resumes) `config` in `workdir` under `strategy`; evaluates and exports at the end.
    `verbose`: model.fit's (default: train.runtime.progress_verbosity()).

    In a multi-worker run every worker calls this with the same arguments: the chief writes
    `workdir` (checkpoints, backup, logs, samples, metrics, export); the other workers save their
    checkpoints and backups under WORKDIR/workers/ (train.strategy.worker_dir) and return no metrics.
    """
    from train import strategy as strategies

    build.validate(config, strategy.num_replicas_in_sync)
    for warning in (strategies.intra_op_threads_warning(config), build.precision_warning(config)):
        if warning:
            print(warning, file=sys.stderr)
    own = strategies.worker_dir(workdir, strategy)
    chief, workdir = own == workdir, own
    check_workdir_config(config, workdir, write=False)
    keras.utils.set_random_seed(config.seed)
    spe = config.log_every
    start = resume_step(workdir, spe)
    kept = callbacks.list_checkpoints(os.path.join(workdir, "checkpoints"))
    if start == 0 and kept:  # never silently from step 0 over a run's checkpoints
        raise UserError(f"{workdir} holds checkpoints up to step {checkpoint_step(kept[-1])} but no resume state "
                        f"(backup/): training would restart from step 0 and replace them; restore "
                        f"{os.path.join(workdir, 'backup')} or use a new --workdir")
    # built here, so missing data fails before DIR is touched (a multi-worker input builds its
    # per-worker datasets when it is created, too)
    ds = strategies.distribute(strategy, lambda: build.dataset(config, start_step=start), config.data.batch_size)
    with strategy.scope():
        model = build.model(config, strategy.num_replicas_in_sync)  # bad nets fail before it too
    held = lock(workdir)  # before config.json is written: a second trainer changes nothing
    try:
        now = resume_step(workdir, spe)
        if now != start:  # another trainer saved while this one was building
            start = now
            ds = strategies.distribute(strategy, lambda: build.dataset(config, start_step=start),
                                       config.data.batch_size)
        return _train(config, workdir, strategy, model, ds, start, chief, verbose)
    finally:
        os.close(held)


def _train(config, workdir, strategy, model, ds, start, chief, verbose):
    """run()'s part under the workdir's lock."""
    spe = config.log_every
    check_workdir_config(config, workdir, write=True)
    cbs = [
        callbacks.StopOnNonFinite(),
        callbacks.AtomicBackup(os.path.join(workdir, "backup")),
        callbacks.Checkpoints(os.path.join(workdir, "checkpoints")),
    ]
    if chief:
        cbs += [keras.callbacks.TensorBoard(os.path.join(workdir, "logs"), update_freq="epoch", write_graph=False),
                callbacks.Samples(os.path.join(workdir, "samples"), os.path.join(workdir, "logs"),
                                  config.data.name, config.seed)]
    every = config.eval.get("every", 0)
    if every and chief:
        n = config.eval.get("every_samples", 0) or None
        cbs.append(callbacks.Evaluate(lambda m: evaluate(m, config, n), every, os.path.join(workdir, "logs")))
    if start:
        print(f"Resuming {workdir} at step {start} of {config.steps}")
    history = model.fit(ds, epochs=config.steps // spe, steps_per_epoch=spe, callbacks=cbs,
                        verbose=runtime.progress_verbosity() if verbose is None else verbose, shuffle=False)
    if not chief:
        return model, {}
    # a rerun of a finished run trains no epoch: keep the losses metrics.json already holds
    losses = {k: float(v[-1]) for k, v in history.history.items()} or None
    metrics = write_metrics(model, config, workdir, losses)
    export_run(model, config, workdir, metrics)
    return model, metrics


def load_latest(workdir, step=None):
    """The newest checkpoint of `workdir` (or the one of `step`) as a compiled model, or a UserError."""
    directory = os.path.join(workdir, "checkpoints")
    ckpts = callbacks.list_checkpoints(directory)
    if not ckpts:
        raise UserError(f"no checkpoint in {directory}: train first with python -m train --workdir={workdir}")
    if step is not None:
        path = os.path.join(directory, f"ckpt-{step:08d}.keras")
        if path not in ckpts:
            steps = ", ".join(str(checkpoint_step(p)) for p in ckpts)
            raise UserError(f"no checkpoint of step {step} in {directory}; it holds steps {steps}")
        ckpts = [path]
    import zoo.models  # noqa: F401  (registers the zoo's classes for safe-mode loading)
    return keras.saving.load_model(ckpts[-1], safe_mode=True)


def load_run(workdir, step=None):
    """(config, newest checkpoint (or that of `step`) as a model) of a training workdir, or a UserError.
    Without `step`, a note on stderr when the newest checkpoint is not the run's last step (a run
    that stopped early, or whose final save failed): what follows uses an older model."""
    config, model = read_config(workdir), load_latest(workdir, step)
    newest = callbacks.step_of(model)
    if step is None and newest < config.steps:
        print(f"note: the newest checkpoint of {workdir} is step {newest}, not the run's last step {config.steps} "
              f"(it stopped early, or its last save failed)", file=sys.stderr)
    return config, model


def checkpoint_step(path):
    """The step of a checkpoint file ckpt-STEP.keras."""
    return int(os.path.basename(path)[len("ckpt-"):-len(".keras")])


def read_metrics(workdir):
    """The metrics of DIR/metrics.json ({} when the run was never evaluated)."""
    path = os.path.join(workdir, "metrics.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)["metrics"]


def read_scalars(log_dir):
    """{tag: [(step, value), ...]} of the TensorBoard event files in `log_dir` ({} if there is none),
    in file order: e.g. DIR/logs/eval's "eval/fid2k_test" curve, DIR/logs/train's "epoch_d_loss"."""
    import tensorflow as tf

    out = {}
    if not os.path.isdir(log_dir):
        return out
    for name in sorted(os.listdir(log_dir)):
        for record in tf.data.TFRecordDataset(os.path.join(log_dir, name)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, float(tf.make_ndarray(value.tensor))))
    return out


def read_config(workdir):
    from ml_collections import ConfigDict

    path = os.path.join(workdir, "config.json")
    if not os.path.exists(path):
        raise UserError(f"{workdir} has no config.json: is it a training workdir?")
    with open(path) as f:
        return ConfigDict(json.load(f))
