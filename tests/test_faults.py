"""Surviving faults: SIGKILL and resume, kills during saves, divergence, determinism.

Measured here: a run SIGKILLed after its 3rd backup and restarted ends with the weights of an
uninterrupted run exactly (max difference 0.0, op determinism on); 12 kills at random points of a
save loop, and a 13th after a checkpoint of its own, all left a loadable backup whose epoch matches
its weights, and a loadable newest checkpoint no newer than the backup (or none yet: CI once killed
between epoch 1's backup and its checkpoint).
"""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import snapshot
from train import trainer, workdir as workdirs
from zoo.errors import UserError

STEPS = 1000  # 10 epochs: a kill after the 3rd backup still leaves 7 to run
TOY = ["--config=configs/nsgan_toy.py", f"--config.steps={STEPS}", "--config.log_every=100",
       "--config.eval.num_samples=200", "--deterministic"]


def train_cli(workdir, root, extra=(), timeout=900):
    return subprocess.run([sys.executable, "-m", "train", f"--workdir={workdir}", *TOY, *extra], cwd=root,
                          capture_output=True, text=True, timeout=timeout)


def final_weights(workdir, step):
    model = keras.saving.load_model(os.path.join(workdir, "checkpoints", f"ckpt-{step:08d}.keras"), safe_mode=True)
    return model.get_weights()


def test_sigkill_mid_run_then_resume_equals_an_uninterrupted_run(tmp_path, root):
    straight = tmp_path / "straight"
    assert train_cli(straight, root).returncode == 0
    killed = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "train", f"--workdir={killed}", *TOY], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 600
    while (workdirs.resume_step(str(killed)) < 300) and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(random.Random(0).uniform(0.0, 0.3))  # somewhere in a later epoch, possibly in a save
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    at_kill = workdirs.resume_step(str(killed))
    assert 300 <= at_kill < STEPS
    resumed = train_cli(killed, root)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"Resuming {killed} at step {at_kill}" in resumed.stdout
    for a, b in zip(final_weights(straight, STEPS), final_weights(killed, STEPS)):
        np.testing.assert_array_equal(a, b)


SAVE_LOOP = """
import sys
sys.path.insert(0, {root!r})
import tensorflow as tf
from tests.helpers import fit, toy_gan
from train import callbacks
model = toy_gan(tf.distribute.get_strategy())
save = callbacks.SaveState({directory!r})
save.set_model(model)
start = {start}
print("ready", flush=True)
for epoch in range(start, start + 100000):
    model.g_optimizer.iterations.assign(epoch)  # the weights carry their step
    save.on_epoch_end(epoch - 1)
"""


def test_kills_during_saves_leave_a_loadable_backup_and_checkpoint(tmp_path, root):
    from tests.helpers import toy_gan

    backup, checkpoints = tmp_path / "backup", tmp_path / "checkpoints"
    rng = random.Random(1)
    start, before = 1, 0  # the next step to save, the newest checkpoint
    for kill in range(13):
        code = SAVE_LOOP.format(root=str(root), directory=str(tmp_path), start=start)
        process = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        if kill < 12:
            time.sleep(rng.uniform(0.05, 0.6))
        else:  # the last kill comes after a checkpoint of its own and the cleanup that follows it: on a
            # loaded machine (CI beside five training runs) all 12 random kills once came before any
            # checkpoint completed
            old, deadline = set(workdirs.list_checkpoints(str(checkpoints))), time.monotonic() + 600

            def saved():
                others = [p for p in checkpoints.glob("*.tmp-*") if f".tmp-{process.pid}" not in p.name]
                return set(workdirs.list_checkpoints(str(checkpoints))) - old and not others

            try:
                while not saved():
                    assert process.poll() is None, "the save loop ended before a checkpoint of its own"
                    assert time.monotonic() < deadline, "no checkpoint of the save loop's own in 600 s"
                    time.sleep(0.05)
            except AssertionError:
                process.kill()  # never leave it saving into tmp_path
                process.wait()
                raise
            time.sleep(rng.uniform(0.0, 0.3))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        pointer = workdirs.read_backup(str(backup))
        if pointer is None:  # killed before the first save completed
            continue
        assert not isinstance(pointer, str), pointer  # the pointer is always on a complete, verified state
        step, weights = pointer
        model = toy_gan(tf.distribute.get_strategy())
        model.load_weights(weights)
        assert int(model.g_optimizer.iterations) == step  # weights and pointer agree
        # a step's backup is written before its checkpoint, so a kill between the two leaves no
        # checkpoint of that step (none at all, if it was step 1; CI once killed there)
        listed = workdirs.list_checkpoints(str(checkpoints))
        for path in listed:
            assert workdirs.files.checksum_problem(path) is None, path  # each checkpoint matches its checksum
        newest = int(keras.saving.load_model(listed[-1], safe_mode=True).g_optimizer.iterations) if listed else 0
        assert newest <= step, (newest, step)
        if newest > before:  # this process completed a checkpoint, which cleans up what earlier kills left:
            # what remains is the killed save's own (its checkpoint, and its checksum file when the kill
            # came while that was written: CI once saw both)
            left = [p.name for p in checkpoints.glob("*.tmp-*")]
            assert all(f".tmp-{process.pid}" in name for name in left), (process.pid, left)
        start, before = step + 1, newest
    assert start > 1 and workdirs.list_checkpoints(str(checkpoints))  # saves completed between the kills


def test_a_diverging_config_stops_with_the_step_and_keeps_the_last_good_checkpoint(tmp_path, root):
    # the KL f-GAN without its output bound diverges on the grid (exp(V) overflows; README, f-GAN) at
    # 100x the recipe's learning rate: measured here, d_loss = nan at step 40, after the checkpoint of
    # step 20 (at the recipe's 1e-4, and at 1e-3, it trains 1,000 steps without overflowing)
    workdir = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "train", f"--workdir={workdir}", "--config=configs/fgan_toy.py",
                             "--config.model.objective.divergence=kl", "--config.model.objective.output_bound=0", "--config.data.name=grid",
                             "--config.steps=1000", "--config.log_every=20", "--config.steps_per_execution=20",
                             "--config.d_optimizer.learning_rate=1e-2", "--config.g_optimizer.learning_rate=1e-2",
                             "--deterministic"], cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    line = [l for l in result.stderr.splitlines() if l.startswith("error:")][-1]
    match = re.search(r"training diverged: (\w+) = (nan|inf|-inf) at step (\d+); the last good checkpoint, "
                      r"step (\d+), is kept", line)
    assert match, line
    latest = workdirs.list_checkpoints(str(workdir / "checkpoints"))[-1]
    model = keras.saving.load_model(latest, safe_mode=True)
    assert int(model.optimizer.iterations) == int(match.group(4)) < int(match.group(3))
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert workdirs.resume_step(str(workdir)) == int(model.optimizer.iterations)  # the backup is the good one too


def test_two_runs_with_one_seed_give_identical_weights(tmp_path):
    from tests.test_train import tiny

    strategy = tf.distribute.get_strategy()
    a, _ = trainer.run(tiny("wgangp_toy", steps=6), str(tmp_path / "a"), strategy, verbose=0)
    b, _ = trainer.run(tiny("wgangp_toy", steps=6), str(tmp_path / "b"), strategy, verbose=0)
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(x, y)


def truncate(path):
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)


def test_lost_or_damaged_state_falls_back_to_the_newest_that_verifies(tmp_path, capsys):
    """backup/ lost: the run resumes from its newest checkpoint (the same state), and ends with the
    weights of an uninterrupted run. Truncated or corrupted checkpoints and backups are skipped with a
    note naming them; export and evaluate say when what they use is older than the run's end; a
    workdir whose states all fail is refused, not restarted from step 0 over them."""
    from tests.test_train import tiny

    strategy = tf.distribute.get_strategy()
    straight = str(tmp_path / "straight")
    reference, _ = trainer.run(tiny("nsgan_toy", steps=6), straight, strategy, verbose=0)
    workdir = str(tmp_path / "w")
    trainer.run(tiny("nsgan_toy", steps=4), workdir, strategy, verbose=0)
    shutil.rmtree(os.path.join(workdir, "backup"))
    capsys.readouterr()
    model, _ = trainer.run(tiny("nsgan_toy", steps=6), workdir, strategy, verbose=0)
    err = capsys.readouterr().err
    assert f"note: {workdir}/backup has no resume state: resuming from the checkpoint of step 4" in err
    for a, b in zip(reference.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)

    ckpts = workdirs.list_checkpoints(os.path.join(workdir, "checkpoints"))  # steps 2, 4, 6
    truncate(ckpts[-1])
    _, model = workdirs.load_run(workdir)
    err = capsys.readouterr().err
    assert int(model.optimizer.iterations) == 4
    assert f"note: skipping {ckpts[-1]}: it does not match its SHA-256 (edited, truncated or corrupted)" in err
    assert f"note: the newest usable checkpoint of {workdir} is step 4, not the run's last step 6" in err
    with pytest.raises(UserError, match=r"the checkpoint of step 6, .* cannot be used: it does not match its SHA-256"):
        workdirs.load_run(workdir, step=6)
    workdirs.load_run(workdir, step=2)  # asked for by step: no note
    assert capsys.readouterr().err == ""

    assert workdirs.resume_state(workdir)[0] == 6  # the backup verifies: the damaged checkpoint is not needed
    weights = workdirs.read_backup(os.path.join(workdir, "backup"))[1]
    with open(weights, "r+b") as f:  # one flipped byte: same size, other content
        f.seek(os.path.getsize(weights) // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))
    assert workdirs.resume_state(workdir) == (4, ckpts[1])
    err = capsys.readouterr().err
    assert f"note: skipping the backup: {weights} does not match its SHA-256 (edited, truncated or corrupted)" in err
    assert f"note: skipping {ckpts[-1]}" in err

    for path in ckpts[:2]:
        truncate(path)
    before = {p: open(p, "rb").read() for p in ckpts + [weights]}
    with pytest.raises(UserError, match=r"holds a run but none of its checkpoints or backup can be used .* training "
                                        r"would restart from step 0 over them"):
        trainer.run(tiny("nsgan_toy", steps=8), workdir, strategy, verbose=0)
    assert {p: open(p, "rb").read() for p in ckpts + [weights]} == before  # nothing touched


def test_an_older_versions_backup_is_named_and_never_restarted_over(tmp_path, capsys):
    """A workdir of a zoo version before 2026-11-25 (its backup in Keras BackupAndRestore's layout,
    training_metadata.json) resumes from its newest checkpoint with a note naming the old backup; with
    no usable checkpoint it is refused in one sentence, nothing on disk touched, where it would
    otherwise restart from step 0 and replace the old backup."""
    from tests.test_train import tiny

    strategy = tf.distribute.get_strategy()
    workdir = str(tmp_path / "w")
    trainer.run(tiny("nsgan_toy", steps=4), workdir, strategy, verbose=0)
    backup = os.path.join(workdir, "backup")
    shutil.rmtree(backup)
    os.makedirs(os.path.join(backup, "epoch-00000001"))  # the old layout: a pointer and epoch-N/ weights
    with open(os.path.join(backup, "training_metadata.json"), "w") as f:
        f.write('{"epoch": 1, "dir": "epoch-00000001"}')
    with open(os.path.join(backup, "epoch-00000001", "model.weights.h5"), "wb") as f:
        f.write(b"old weights")
    legacy = f"{backup}/training_metadata.json is the backup of an older version of the zoo, which this version does not read"
    assert workdirs.read_backup(backup) == legacy
    capsys.readouterr()
    assert workdirs.resume_state(workdir) == (4, workdirs.list_checkpoints(os.path.join(workdir, "checkpoints"))[-1])
    assert f"note: skipping the backup: {legacy}" in capsys.readouterr().err

    shutil.rmtree(os.path.join(workdir, "checkpoints"))
    before = snapshot(workdir)
    with pytest.raises(UserError, match=r"holds a run but none of its checkpoints or backup can be used"):
        trainer.run(tiny("nsgan_toy", steps=8), workdir, strategy, verbose=0)
    assert snapshot(workdir) == before


def test_edited_run_records_are_one_sentence(tmp_path):
    from tests.test_train import tiny

    workdir = str(tmp_path / "w")
    trainer.run(tiny("nsgan_toy", steps=2), workdir, tf.distribute.get_strategy(), verbose=0)
    with open(os.path.join(workdir, "backup", "state.json"), "w") as f:
        f.write('{"step": 2, "dir"')  # a truncated pointer
    assert workdirs.read_backup(os.path.join(workdir, "backup")) == f"{workdir}/backup/state.json is unreadable"
    with open(os.path.join(workdir, "metrics.json"), "w") as f:
        f.write("{")
    with pytest.raises(UserError, match=r"metrics.json \(the run's metrics\) is not valid JSON"):
        workdirs.read_metrics(workdir)


def test_one_trainer_per_workdir_and_a_dead_ones_lock_is_taken_over(tmp_path, capsys):
    from tests.test_train import tiny

    strategy = tf.distribute.get_strategy()
    workdir = str(tmp_path / "w")
    held = workdirs.lock(workdir)  # a trainer of this workdir, alive
    try:
        with pytest.raises(UserError, match=f"another trainer \\(process {os.getpid()}\\) is running on {workdir}"):
            trainer.run(tiny("nsgan_toy", steps=2), workdir, strategy, verbose=0)
        assert sorted(os.listdir(workdir)) == [".lock"]  # nothing written by the second one
    finally:
        os.close(held)
    with open(os.path.join(workdir, ".lock"), "w") as f:
        f.write("999999999")  # a trainer that died: its pid stays in the file, its flock is gone
    capsys.readouterr()
    trainer.run(tiny("nsgan_toy", steps=2), workdir, strategy, verbose=0)
    lock_path = os.path.join(workdir, ".lock")
    assert f"note: taking over {lock_path} from process 999999999, which has ended" in capsys.readouterr().err
    assert open(lock_path).read() == str(os.getpid())


def test_a_file_size_limit_stops_training_in_one_sentence(tmp_path, root):
    """RLIMIT_FSIZE (any user): the first save fails with EFBIG; one sentence, exit 2, nothing half-written."""
    import resource

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    workdir = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "train", f"--workdir={workdir}", *TOY], cwd=root,
                            capture_output=True, text=True, timeout=600, preexec_fn=limit)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr  # the tests' TF_CPP_MIN_LOG_LEVEL=2 lets TensorFlow's E lines through
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: could not save step 100 to {workdir}/backup/step-00000100: File too large; training stopped there "
        f"and no checkpoint was written (free space and run again to resume)"]
    assert sorted(os.listdir(workdir / "backup")) == [] and not (workdir / "checkpoints").exists()


def test_a_full_disk_mid_run_keeps_what_was_saved_and_the_run_resumes(tmp_path, root):
    """A 40 MB tmpfs (needs root; skipped otherwise) fills at the third save of a toy run (a checkpoint
    is about 11 MB); after the file system grows, the rerun resumes at the newest saved step."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        workdir = disk / "run"
        result = train_cli(workdir, root)
        assert result.returncode == 2, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
        line = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(line) == 1 and re.fullmatch(
            rf"error: could not save step (\d+) to {workdir}/\S+: No space left on device; training stopped there and "
            rf"the newest checkpoint is step (\d+) \(free space and run again to resume\)", line[0]), line
        saved = workdirs.resume_step(str(workdir))
        assert 100 <= saved < STEPS
        subprocess.run(["mount", "-o", "remount,size=400m", str(disk)], check=True)
        resumed = train_cli(workdir, root)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        assert f"Resuming {workdir} at step {saved} of {STEPS}" in resumed.stdout
    finally:
        subprocess.run(["umount", str(disk)])


KILL_AT = """
import os, runpy, signal, sys
sys.path.insert(0, {root!r})
sys.argv = ["train", *{args!r}]
from export import lib as export_lib
from train import trainer, workdir
from zoo_core import files

point, calls = {point!r}, []


def die_on(module, name, nth=1, when=lambda *a, **k: True):
    real = getattr(module, name)

    def wrapped(*args, **kwargs):
        if when(*args, **kwargs):
            calls.append(name)
            if len(calls) == nth:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    setattr(module, name, wrapped)


if point == "inside a backup, its state written and its pointer not":
    die_on(files, "write_json", nth=2, when=lambda path, *a, **k: str(path).endswith("state.json"))
elif point == "inside a checkpoint, the file written and not renamed":
    die_on(files, "write_checksum", nth=2)
elif point == "between a backup and its checkpoint":
    die_on(workdir, "save_checkpoint", nth=2)
elif point == "inside the export":
    die_on(export_lib, "write_onnx")
elif point == "inside the final evaluation":
    die_on(trainer, "evaluate")
runpy.run_module("train", run_name="__main__")
"""
KILL_POINTS = ["inside a backup, its state written and its pointer not",
               "inside a checkpoint, the file written and not renamed", "between a backup and its checkpoint",
               "inside the export", "inside the final evaluation"]
SHORT = ["--config=configs/nsgan_toy.py", "--config.steps=6", "--config.log_every=2", "--config.data.batch_size=8",
         "--config.eval.num_samples=200", "--deterministic"]


@pytest.fixture(scope="module")
def short_run(tmp_path_factory, root):
    workdir = tmp_path_factory.mktemp("short") / "run"
    result = subprocess.run([sys.executable, "-m", "train", f"--workdir={workdir}", *SHORT], cwd=root,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return workdir


@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_at_each_point_of_a_run_then_rerun_finishes_it_exactly(point, short_run, tmp_path, root):
    """kill -9 at five fixed points (inside each kind of save, between them, in the export and the
    final evaluation): the rerun finishes with the weights of an uninterrupted run, a verified export
    and no temporary files left."""
    workdir = tmp_path / "run"
    code = KILL_AT.format(root=str(root), args=[f"--workdir={workdir}", *SHORT], point=point)
    killed = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    rerun = subprocess.run([sys.executable, "-m", "train", f"--workdir={workdir}", *SHORT], cwd=root,
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "Traceback" not in rerun.stderr
    for a, b in zip(final_weights(short_run, 6), final_weights(workdir, 6)):
        np.testing.assert_array_equal(a, b)
    from export import sample

    x, _ = sample.sample(str(workdir / "export"), 4, 0)  # checks every checksum of the export
    assert x.shape == (4, 2)
    left = [p for p in workdir.rglob("*") if ".tmp-" in p.name or ".old-" in p.name]
    assert left == []
