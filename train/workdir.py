"""A training workdir: what it holds, who writes each file, and how each is checked when read.

    DIR/.lock                         lock(): one trainer at a time (an flock; its pid inside)
    DIR/config.json                   the run's config: train (check_config), read by every reader
    DIR/checkpoints/ckpt-STEP.keras   whole models with optimizer state, the newest KEEP: train
    DIR/checkpoints/ckpt-STEP.keras.sha256   each one's SHA-256 (sha256sum's format), written first
    DIR/backup/state.json             the resume pointer {"step", "dir", "sha256"}: train
    DIR/backup/step-STEP/model.keras  the state it points at (a whole model, as a checkpoint)
    DIR/logs/                         TensorBoard (train, samples, eval): train; read_scalars
    DIR/samples/                      a picture per checkpoint: train
    DIR/metrics.json                  the final evaluation: train, train.evaluate
    DIR/export/                       export.lib: train, python -m export
    DIR/workers/TYPE-INDEX/           a multi-worker run's other workers' checkpoints and backups
                                      (train.strategy.worker_dir; only the chief's are the run's)

Every record is written atomically and durably (zoo_core.files). Readers verify what they read: a
checkpoint or backup whose SHA-256 does not match (truncated, corrupted) or that does not load is
skipped with a note naming it, and the next older one is used. Resuming takes the newest state that
verifies, the backup's or a checkpoint's (each holds the whole training state, so either resumes
exactly); it never starts from step 0 over a run's files.
"""
import glob
import json
import os
import re
import sys
import warnings
import zipfile

import configs
from train import optimizers, spec as specs
from zoo.data import folder
from zoo.errors import UserError
from zoo_core import files

LOCK = ".lock"
CONFIG = "config.json"
CHECKPOINTS = "checkpoints"
BACKUP = "backup"
POINTER = "state.json"
# the backup's pointer in zoo versions before 2026-11-25 (Keras BackupAndRestore's layout: epoch-N/
# with model.weights.h5, or latest.weights.h5): recognised, so such a backup is named, not ignored
LEGACY_POINTER = "training_metadata.json"
METRICS = "metrics.json"
EXPORT = "export"
LOGS = "logs"  # TensorBoard's: LOGS/train, LOGS/eval, LOGS/samples
SAMPLES = "samples"  # the samples' pictures, step_STEP.png
WORKERS = "workers"  # WORKERS/TYPE-INDEX: what another worker of a multi-worker run saves
KEEP = 3  # checkpoints kept


class SaveFailed(UserError):
    """A checkpoint or backup could not be written (disk full, no permission); nothing older was lost."""


def note(text):
    print(f"note: {text}", file=sys.stderr)


# --- the lock -------------------------------------------------------------------------------------
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
        note(f"taking over {path} from process {previous}, which has ended")
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


# --- config.json ----------------------------------------------------------------------------------
# keys added to the configs after runs existed (a section's keys, or a top-level key), with the values
# that reproduce those runs: a config.json without them resumes, evaluates and re-exports as it ran
ADDED_KEYS = {"data": folder.DEFAULTS, "jit_compile": False, "intra_op_threads": 0, "mixed_precision": None}


def _with_added(old):
    """A run's config.json (a dict, upgraded) with ADDED_KEYS filled in where it lacks them."""
    for key, added in ADDED_KEYS.items():
        if isinstance(added, dict):
            if isinstance(old.get(key), dict):
                old[key] = {**added, **old[key]}
        else:
            old.setdefault(key, added)
    return old


def check_config(config, workdir, write, updates=None):
    """Refuses a workdir that holds a run of a different config; writes DIR/config.json if `write`.
    `updates`: {optimizer name: its update count} in the state being resumed (train.trainer passes
    them once restored; by default each is taken as the workdir's step, a lower bound where an
    optimizer updates more than once per step, as a critic's with n_critic).

    Only train.spec.RUN_KEYS may change between runs on one workdir: `steps` (to train longer),
    `eval` (what is measured, not how it trains) and `intra_op_threads` (how fast, not what); and an
    optimizer's `decay_from`, or `steps` where a rate decays, only as far as the learning rate of every
    step already trained stays what it was (train 200 epochs at a constant rate, then decide to decay
    over 200 more, as the official BiGAN script does; never a schedule changed mid-decay).
    """
    if os.path.exists(workdir) and not os.path.isdir(workdir):
        raise UserError(f"--workdir {workdir} is a file, not a folder")
    existing = os.path.abspath(workdir)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise UserError(f"cannot create --workdir {workdir}: {existing} is a file")
    if not os.access(existing, os.W_OK):
        raise UserError(f"cannot write to --workdir {workdir}: {existing} is not writable")
    path = os.path.join(workdir, CONFIG)
    new = configs.upgrade(json.loads(config.to_json()))  # a config of one's own may leave defaults out
    if os.path.exists(path):
        old = _with_added(configs.upgrade(_read_json(path, "the run's config")))
        old_leaves, new_leaves = configs.leaves(old), configs.leaves(new)
        decaying = sorted(k for k, v in (*old.items(), *new.items()) if isinstance(v, dict) and "decay_from" in v)
        differ = sorted(k for k in set(old_leaves) | set(new_leaves)
                        if k.split(".")[0] not in specs.RUN_KEYS and old_leaves.get(k, ...) != new_leaves.get(k, ...)
                        and k not in {f"{o}.decay_from" for o in decaying})
        if differ:
            raise UserError(f"{workdir} holds a run with a different config (keys {', '.join(differ)} "
                            f"differ); use a new --workdir, or the same config to resume")
        trained = resume_step(workdir) if decaying else 0
        for key in decaying:
            before, after, done = _schedule(old, key), _schedule(new, key), (updates or {}).get(key, trained)
            if before != after and done and after[0] == float("inf"):
                raise UserError(f"{workdir} holds a run whose learning rate decays ({key}.decay_from "
                                f"{old[key]['decay_from']} of {old.get('steps')} steps): it keeps a decay_from; "
                                f"resume with --config.{key}.decay_from set, or use a new --workdir")
            if before != after and min(before[0], after[0]) < done:
                raise UserError(f"{workdir} holds a run whose {key} has made {done} updates, and its learning rate "
                                f"({key}.decay_from {old.get(key, {}).get('decay_from')} of {old.get('steps')} steps) "
                                f"would change at updates already made; resume with --config.steps={old.get('steps')} "
                                f"and --config.{key}.decay_from={old.get(key, {}).get('decay_from')}, or use a new --workdir")
    if write:
        os.makedirs(workdir, exist_ok=True)
        files.write_json(path, new)


def _schedule(config, key):
    """(first decaying step, last step) of optimizer `key`'s learning rate in a config's JSON form, as
    train.optimizers schedules it: (inf, inf) for a constant rate."""
    fraction = (config.get(key) or {}).get("decay_from")
    if fraction is None:
        return (float("inf"),) * 2
    return optimizers.decay_start(fraction, config["steps"]), config["steps"]


def recorded(workdir, key, no_run):
    """config.json's top-level `key` of the run in `workdir` (upgraded, as read_config; None where the
    run's config has no such key), or `no_run` when the workdir holds no run yet."""
    if not os.path.exists(os.path.join(workdir, CONFIG)):
        return no_run
    return read_config(workdir).get(key)


def read_config(workdir):
    """DIR/config.json as a ConfigDict, or a UserError."""
    from ml_collections import ConfigDict

    path = os.path.join(workdir, CONFIG)
    if not os.path.exists(path):
        raise UserError(f"{workdir} has no config.json: is it a training workdir?")
    return ConfigDict(_with_added(configs.upgrade(_read_json(path, "the run's config"))))


def read_metrics(workdir):
    """DIR/metrics.json: {"step", "dataset", "metrics", "final_losses"}; {} when the run was never evaluated."""
    path = os.path.join(workdir, METRICS)
    return _read_json(path, "the run's metrics") if os.path.exists(path) else {}


def _read_json(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        raise UserError(f"{path} ({what}) is not valid JSON ({e}); it was edited or damaged") from None


def step_of(model):
    """The training step of a built or loaded model: its (first) optimizer's update count."""
    return int(model.optimizer.iterations.numpy())


# --- checkpoints ----------------------------------------------------------------------------------
def checkpoint_path(directory, step):
    return os.path.join(directory, f"ckpt-{step:08d}.keras")


def checkpoint_step(path):
    """The step of a checkpoint file ckpt-STEP.keras."""
    return int(os.path.basename(path)[len("ckpt-"):-len(".keras")])


def list_checkpoints(directory):
    """Checkpoint paths in `directory`, oldest first (not the temporary files of saves under way)."""
    return sorted(p for p in glob.glob(os.path.join(directory, "ckpt-*.keras"))
                  if re.fullmatch(r"ckpt-\d+\.keras", os.path.basename(p)))


def save_checkpoint(model, directory, step, keep=KEEP):
    """DIR/ckpt-STEP.keras (the whole model) and its checksum; keeps the newest `keep`. The checksum
    file is written before the checkpoint appears under its name, so every checkpoint has one."""
    os.makedirs(directory, exist_ok=True)
    path = checkpoint_path(directory, step)

    def save():
        with files.atomic_path(path, suffix=".keras") as tmp:
            model.save(tmp)
            files.write_checksum(path, files.sha256(tmp))

    _guarded(save, path, step, directory)
    stale = glob.glob(os.path.join(directory, "*.tmp-*"))  # left by runs killed mid-save
    for old in list_checkpoints(directory)[:-keep] + stale:
        files.remove(old)
    for orphan in glob.glob(os.path.join(directory, "*" + files.CHECKSUM)):  # of removed or never-renamed ones
        if not os.path.exists(orphan[:-len(files.CHECKSUM)]):
            files.remove(orphan)


def load_checkpoint(directory, step=None):
    """The newest checkpoint of `directory` that verifies and loads (or the one of `step`) as a
    compiled model; skipped ones get a note. A UserError when there is none."""
    import keras

    import zoo.models  # noqa: F401  (registers the zoo's classes for safe-mode loading)

    ckpts = list_checkpoints(directory)
    workdir = os.path.dirname(directory)
    if not ckpts:
        raise UserError(f"no checkpoint in {directory}: train first with python -m train --workdir={workdir}")
    if step is not None:
        path = checkpoint_path(directory, step)
        if path not in ckpts:
            steps = ", ".join(str(checkpoint_step(p)) for p in ckpts)
            raise UserError(f"no checkpoint of step {step} in {directory}; it holds steps {steps}")
        ckpts = [path]
    for path in reversed(ckpts):
        problem = files.checksum_problem(path)
        if not problem:
            try:
                return keras.saving.load_model(path, safe_mode=True)
            except Exception as e:  # a checkpoint without a checksum file can still be damaged
                problem = f"it does not load ({type(e).__name__})"
        if step is not None:
            raise UserError(f"the checkpoint of step {step}, {path}, cannot be used: {problem}")
        note(f"skipping {path}: {problem}")
    raise UserError(f"no checkpoint in {directory} can be used (each is damaged, see the notes above)")


def load_run(path, step=None):
    """(config, newest checkpoint that verifies (or that of `step`) as a model) of a training
    workdir, or a UserError. Without `step`, a note on stderr when that checkpoint is not the run's
    last step (a run that stopped early, or whose last saves failed or were damaged): what follows
    uses an older model."""
    config = read_config(path)
    model = load_checkpoint(os.path.join(path, CHECKPOINTS), step)
    newest = step_of(model)
    if step is None and newest < config.steps:
        print(f"note: the newest usable checkpoint of {path} is step {newest}, not the run's last step "
              f"{config.steps} (it stopped early, or its last save failed or was damaged)", file=sys.stderr)
    return config, model


# --- logs -----------------------------------------------------------------------------------------
def read_scalars(workdir, which):
    """{tag: [(step, value), ...]} of the TensorBoard scalars in DIR/logs/WHICH ({} when there are none),
    in file order: e.g. which="eval" holds the "eval/fid2k_test" curve, "train" the "epoch_d_loss" one."""
    import tensorflow as tf

    log_dir, out = os.path.join(workdir, LOGS, which), {}
    if not os.path.isdir(log_dir):
        return out
    for name in sorted(os.listdir(log_dir)):
        for event in tf.compat.v1.train.summary_iterator(os.path.join(log_dir, name)):
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, float(tf.make_ndarray(value.tensor))))
    return out


# --- the backup (resume state) --------------------------------------------------------------------
def save_backup(model, directory, step):
    """DIR/step-STEP/model.keras, then the pointer DIR/state.json on it (with its SHA-256), then the
    older states are removed: a kill at any point leaves the pointer on a complete state.

    A whole-model .keras file, not save_weights' .weights.h5: Keras writes a .keras file's HDF5 part
    in memory and the file with Python's own I/O, which fails cleanly on a full disk; h5py writing a
    .weights.h5 onto a full disk left HDF5 in a state that segfaulted the process at exit (Keras
    3.15, h5py 3)."""
    os.makedirs(directory, exist_ok=True)
    name = f"step-{step:08d}"
    final = os.path.join(directory, name)

    def save():
        files.remove(final)  # left by a run killed after this rename, before the pointer's
        with files.atomic_path(final) as tmp:
            os.makedirs(tmp)
            model.save(os.path.join(tmp, "model.keras"))
        digest = files.sha256(os.path.join(final, "model.keras"))
        files.write_json(os.path.join(directory, POINTER), dict(step=step, dir=name, sha256=digest), indent=None)

    _guarded(save, final, step, os.path.join(os.path.dirname(directory), CHECKPOINTS))
    for old in glob.glob(os.path.join(directory, "*")):
        if os.path.basename(old) not in (name, POINTER):
            files.remove(old)


def read_backup(directory):
    """(step, path of its model.keras) of the backup in `directory`; None when there is none; a
    string saying what is wrong with it when it does not verify."""
    path = os.path.join(directory, POINTER)
    if not os.path.exists(path):
        legacy = os.path.join(directory, LEGACY_POINTER)
        if os.path.exists(legacy):
            return f"{legacy} is the backup of an older version of the zoo, which this version does not read"
        return None
    try:
        with open(path) as f:
            pointer = json.load(f)
        step, weights, digest = int(pointer["step"]), os.path.join(directory, pointer["dir"], "model.keras"), pointer["sha256"]
    except (OSError, ValueError, UnicodeDecodeError, KeyError, TypeError):
        return f"{path} is unreadable"
    if not os.path.isfile(weights):
        return f"{weights} is missing"
    if files.sha256(weights) != digest:
        return f"{weights} does not match its SHA-256 (edited, truncated or corrupted)"
    return step, weights


# --- resuming -------------------------------------------------------------------------------------
def resume_state(workdir, quiet=False):
    """(step, path) of the state a run on `workdir` resumes from: the newest that verifies of the
    backup and the checkpoints, or (0, None) for a new run. Notes name what is skipped, and say when
    the backup is missing. A UserError when the workdir holds states but none
    verifies: training would start from step 0 over them. `quiet`: no notes."""
    say = (lambda text: None) if quiet else note
    found = []  # (step, path, kind)
    backup = read_backup(os.path.join(workdir, BACKUP))
    if isinstance(backup, str):
        say(f"skipping the backup: {backup}")
    elif backup:
        found.append((*backup, "backup"))
    ckpts = list_checkpoints(os.path.join(workdir, CHECKPOINTS))
    for path in reversed(ckpts):
        problem = files.checksum_problem(path)
        if problem:
            say(f"skipping {path}: {problem}")
            continue
        found.append((checkpoint_step(path), path, "checkpoint"))
        break
    if not found:
        if ckpts or isinstance(backup, str):
            raise UserError(f"{workdir} holds a run but none of its checkpoints or backup can be used (see the notes); "
                            f"training would restart from step 0 over them: remove {os.path.join(workdir, CHECKPOINTS)} "
                            f"and {os.path.join(workdir, BACKUP)} to start again, or use a new --workdir")
        return 0, None
    step, path, kind = max(found, key=lambda f: (f[0], f[2] == "backup"))
    if kind == "checkpoint" and backup is None:
        say(f"{os.path.join(workdir, BACKUP)} has no resume state: resuming from the checkpoint of step {step}, "
             f"which holds the same state")
    return step, path


def resume_step(workdir):
    """The step a run on `workdir` resumes from (0 for a new run, or one whose states all fail), quietly."""
    try:
        return resume_state(workdir, quiet=True)[0]
    except UserError:
        return 0


def restore(model, path):
    """Loads the training state at `path` (a backup's weights or a checkpoint) into the built model,
    all of it: where Keras would skip a part that does not fit (it only warns, and an optimizer whose
    state is skipped restarts its moments and its step count), a UserError."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.load_weights(path)
    except Exception as e:  # verified by checksum, or written before checksums: still might not load
        raise UserError(f"cannot resume from {path}: it does not load ({type(e).__name__}: {str(e)[:200]}); "
                        f"remove it to resume from an older state") from None
    skipped = [str(w.message) for w in caught if str(w.message).startswith("Skipping")]
    if skipped:
        raise UserError(f"cannot resume from {path}: the config builds a model whose state does not fit it "
                        f"({skipped[0].strip()})")
    for w in caught:  # the others, as they were
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def constant_rates(path):
    """The names of the optimizers that the state at `path` (a .keras file: a backup or a checkpoint)
    holds at a constant learning rate, not a schedule (from the file's compile config; a
    LossScaleOptimizer's is its inner optimizer's); none where the file cannot be read (removed by
    another trainer meanwhile: the trainer reads the state again under the workdir's lock)."""
    try:
        with zipfile.ZipFile(path) as archive:
            compiled = json.loads(archive.read("config.json")).get("compile_config") or {}
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return set()
    constant = set()
    for name, entry in compiled.items():
        options = entry.get("config", {}) if isinstance(entry, dict) else {}
        options = options.get("inner_optimizer", {}).get("config", options)
        if not isinstance(options.get("learning_rate", {}), dict):
            constant.add(name)
    return constant


def _guarded(save, path, step, checkpoints):
    """Runs `save()`; a failure to write (disk full, no permission) becomes a SaveFailed naming what is
    kept."""
    try:
        return save()
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error).splitlines()[0]
    kept = list_checkpoints(checkpoints)
    kept = f"the newest checkpoint is step {checkpoint_step(kept[-1])}" if kept else "no checkpoint was written"
    raise SaveFailed(f"could not save step {step} to {path}: {reason}; training stopped there and {kept} "
                     f"(free space and run again to resume)")
