"""Surviving faults: SIGKILL and resume, kills during saves, divergence, determinism.

Measured here: a run SIGKILLed after its 3rd backup and restarted ends with the weights of an
uninterrupted run exactly (max difference 0.0, op determinism on); 12 kills at random points of a
save loop all left a loadable backup whose epoch matches its weights, and a loadable newest checkpoint
no newer than the backup (or none yet: CI once killed between epoch 1's backup and its checkpoint).
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

from train import callbacks, lib
from zoo.errors import UserError

TOY = ["--config=configs/nsgan_toy.py", "--config.steps=1500", "--config.log_every=100",
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
    while (lib.resume_step(str(killed), 100) < 300) and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(random.Random(0).uniform(0.0, 0.3))  # somewhere in a later epoch, possibly in a save
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    at_kill = lib.resume_step(str(killed), 100)
    assert 300 <= at_kill < 1500
    resumed = train_cli(killed, root)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"Resuming {killed} at step {at_kill}" in resumed.stdout
    for a, b in zip(final_weights(straight, 1500), final_weights(killed, 1500)):
        np.testing.assert_array_equal(a, b)


SAVE_LOOP = """
import sys
sys.path.insert(0, {root!r})
import tensorflow as tf
from tests.helpers import fit, toy_gan
from train import callbacks
model = toy_gan(tf.distribute.get_strategy())
backup = callbacks.AtomicBackup({backup!r})
backup.set_model(model)
checkpoints = callbacks.Checkpoints({checkpoints!r})
checkpoints.set_model(model)
start = {start}
print("ready", flush=True)
for epoch in range(start, start + 100000):
    model.g_optimizer.iterations.assign(epoch)  # the weights carry their epoch
    backup.on_epoch_end(epoch - 1)
    checkpoints.on_epoch_end(epoch - 1)
"""


def test_kills_during_saves_leave_a_loadable_backup_and_checkpoint(tmp_path, root):
    from tests.helpers import toy_gan

    backup, checkpoints = tmp_path / "backup", tmp_path / "checkpoints"
    rng = random.Random(1)
    start, before = 1, 0  # the next epoch to save, the newest checkpoint
    for _ in range(12):
        code = SAVE_LOOP.format(root=str(root), backup=str(backup), checkpoints=str(checkpoints), start=start)
        process = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        pointer = callbacks.read_backup(str(backup))
        if pointer is None:  # killed before the first save completed
            continue
        model = toy_gan(tf.distribute.get_strategy())
        model.load_weights(pointer["weights"])
        assert int(model.g_optimizer.iterations) == pointer["epoch"]  # weights and epoch agree
        # an epoch's backup is written before its checkpoint, so a kill between the two leaves no
        # checkpoint of that epoch (none at all, if it was epoch 1; CI once killed there)
        listed = callbacks.list_checkpoints(str(checkpoints))
        newest = int(keras.saving.load_model(listed[-1], safe_mode=True).g_optimizer.iterations) if listed else 0
        assert newest <= pointer["epoch"], (newest, pointer)
        if newest > before:  # this process completed a checkpoint, which cleans up what earlier kills left
            assert len(list(checkpoints.glob("tmp-*.keras"))) <= 1
        start, before = pointer["epoch"] + 1, newest
    assert start > 1 and callbacks.list_checkpoints(str(checkpoints))  # saves completed between the kills


def test_a_diverging_config_stops_with_the_step_and_keeps_the_last_good_checkpoint(tmp_path, root):
    # the KL f-GAN without its output bound diverges on the grid (exp(V) overflows; README, f-GAN) at
    # 100x the recipe's learning rate: measured here, d_loss = nan at step 40, after the checkpoint of
    # step 20 (at the recipe's 1e-4, and at 1e-3, it trains 1,000 steps without overflowing)
    workdir = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "train", f"--workdir={workdir}", "--config=configs/fgan_toy.py",
                             "--config.divergence=kl", "--config.output_bound=0", "--config.data.name=grid",
                             "--config.steps=1000", "--config.log_every=20", "--config.steps_per_execution=20",
                             "--config.d_optimizer.learning_rate=1e-2", "--config.g_optimizer.learning_rate=1e-2",
                             "--deterministic"], cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    line = [l for l in result.stderr.splitlines() if l.startswith("error:")][-1]
    match = re.search(r"training diverged: (\w+) = (nan|inf|-inf) at step (\d+); the last good checkpoint is kept", line)
    assert match, line
    latest = callbacks.list_checkpoints(str(workdir / "checkpoints"))[-1]
    model = keras.saving.load_model(latest, safe_mode=True)
    assert int(model.optimizer.iterations) < int(match.group(3))
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert lib.resume_step(str(workdir), 20) == int(model.optimizer.iterations)  # the backup is the good one too


def test_two_runs_with_one_seed_give_identical_weights(tmp_path):
    from tests.test_train import tiny

    strategy = tf.distribute.get_strategy()
    a, _ = lib.run(tiny("wgangp_toy", steps=6), str(tmp_path / "a"), strategy, verbose=0)
    b, _ = lib.run(tiny("wgangp_toy", steps=6), str(tmp_path / "b"), strategy, verbose=0)
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(x, y)


def test_lost_backup_is_refused_and_an_old_checkpoint_is_named(tmp_path, capsys):
    """backup/ lost while checkpoints/ holds a run: no silent restart over them; the newest
    checkpoint older than the run's end (its last save failed): export and evaluate say so."""
    from tests.test_train import tiny

    strategy = tf.distribute.get_strategy()
    workdir = str(tmp_path / "w")
    lib.run(tiny("nsgan_toy", steps=4), workdir, strategy, verbose=0)
    ckpts = sorted(os.listdir(os.path.join(workdir, "checkpoints")))
    shutil.rmtree(os.path.join(workdir, "backup"))
    with pytest.raises(UserError, match=r"holds checkpoints up to step 4 but no resume state \(backup/\): training "
                                        r"would restart from step 0 and replace them"):
        lib.run(tiny("nsgan_toy", steps=4), workdir, strategy, verbose=0)
    assert sorted(os.listdir(os.path.join(workdir, "checkpoints"))) == ckpts
    os.remove(os.path.join(workdir, "checkpoints", ckpts[-1]))
    capsys.readouterr()
    _, model = lib.load_run(workdir)
    assert callbacks.step_of(model) == 2
    assert f"note: the newest checkpoint of {workdir} is step 2, not the run's last step 4" in capsys.readouterr().err
    lib.load_run(workdir, step=2)  # asked for by step: no note
    assert capsys.readouterr().err == ""


def test_one_trainer_per_workdir_and_a_dead_ones_lock_is_taken_over(tmp_path, capsys):
    from tests.test_train import tiny

    strategy = tf.distribute.get_strategy()
    workdir = str(tmp_path / "w")
    held = lib.lock(workdir)  # a trainer of this workdir, alive
    try:
        with pytest.raises(UserError, match=f"another trainer \\(process {os.getpid()}\\) is running on {workdir}"):
            lib.run(tiny("nsgan_toy", steps=2), workdir, strategy, verbose=0)
        assert sorted(os.listdir(workdir)) == [".lock"]  # nothing written by the second one
    finally:
        os.close(held)
    with open(os.path.join(workdir, ".lock"), "w") as f:
        f.write("999999999")  # a trainer that died: its pid stays in the file, its flock is gone
    capsys.readouterr()
    lib.run(tiny("nsgan_toy", steps=2), workdir, strategy, verbose=0)
    lock_path = os.path.join(workdir, ".lock")
    assert f"note: taking over {lock_path} from process 999999999, which has ended" in capsys.readouterr().err
    assert open(lock_path).read() == str(os.getpid())
