"""The hostile-input and fault suite: each case runs one command as a user would, in its own process
(with the user's default TensorFlow logging), and asserts its exit status, a short stderr (at most
five lines, no traceback) with one `error:` sentence matching the case, and that nothing already on
disk changed (every file under the case's folder: same bytes, same names). The faults that need a
live run (kill -9, disk full, a concurrent trainer) are in tests/test_faults.py; the table in README's
reliability section lists both. `python -m tests.test_hostile` prints the table (a test checks that
README holds the current one)."""
import dataclasses
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tests.helpers import snapshot, user_env


@dataclasses.dataclass
class Case:
    area: str  # what is attacked: config, workdir, export, sampler, encoder, page
    what: str  # the hostile input, in words
    argv: object  # ctx -> the arguments after `python -m`
    message: str  # a regex the `error:` line must match
    prepare: object = None  # ctx, folder -> None: what the case puts on disk first (then checked unchanged)
    status: int = 2


TRAIN = ["train", "--config=configs/nsgan_toy.py"]
RUN = [*TRAIN, "--config.steps=4", "--config.log_every=2", "--config.data.batch_size=8"]  # the trained run's config


def train(*args):
    return lambda c: [*TRAIN, *args, f"--workdir={c.folder / 'w'}"]


def on_run(module, *args):
    """A command on a copy of the trained toy workdir, at FOLDER/run."""
    return lambda c: [module, f"--workdir={c.folder / 'run'}", *args]


def sample(*args, export="gan"):
    return lambda c: ["export.sample", str(c.folder / export), *args, f"--out={c.folder / 'out.npy'}"] \
        if not any(a.startswith("--out") for a in args) else ["export.sample", str(c.folder / export), *args]


def encode(*args, export="bigan"):
    """export.encode on FOLDER/EXPORT; {x} and {z} in args: FOLDER/x.npy and FOLDER/z.npy."""
    return lambda c: ["export.encode", str(c.folder / export),
                      *[a.format(x=c.folder / "x.npy", z=c.folder / "z.npy") for a in args]]


def copy_run(c, folder):
    shutil.copytree(c.run, folder / "run")


def copy_export(name):
    def prepare(c, folder):
        shutil.copytree(c.exports[name], folder / name)
    return prepare


def then(*steps):
    def prepare(c, folder):
        for step in steps:
            step(c, folder)
    return prepare


def write(relative, text):
    def step(c, folder):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return step


def truncate(relative_glob):
    def step(c, folder):
        for path in sorted(folder.glob(relative_glob)):
            with open(path, "r+b") as f:
                f.truncate(os.path.getsize(path) // 2)
    return step


def flip(relative):
    def step(c, folder):
        path = folder / relative
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    return step


def remove(relative_glob):
    def step(c, folder):
        for path in folder.glob(relative_glob):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return step


def edit_json(relative, change):
    def step(c, folder):
        path = folder / relative
        record = json.loads(path.read_text())
        change(record)
        path.write_text(json.dumps(record, indent=2))
    return step


def save_npy(relative, array):
    def step(c, folder):
        np.save(folder / relative, array)
    return step


CASES = [
    # --- the trainer's command line and config --------------------------------------------------
    Case("config", "unknown config key", train("--config.stepz=3"), r"unknown config key 'stepz'.*did you mean 'steps'"),
    Case("config", "unknown objective", train("--config.model.objective.name=hinge"), r"unknown objective 'hinge'; choose one of: f_gan"),
    Case("config", "unknown f-divergence", lambda c: ["train", "--config=configs/fgan_toy.py", "--config.model.objective.divergence=kl2",
                                                   f"--workdir={c.folder / 'w'}"], r"unknown divergence 'kl2'; choose one of"),
    Case("config", "alpha divergence without its parameter",
         lambda c: ["train", "--config=configs/fgan_toy.py", "--config.model.objective.divergence=alpha", f"--workdir={c.folder / 'w'}"],
         r"'alpha' needs --config.model.objective.divergence_param"),
    Case("config", "alpha = 1 (the KL limit, not an alpha divergence)",
         lambda c: ["train", "--config=configs/fgan_toy.py", "--config.model.objective.divergence=alpha", "--config.model.objective.divergence_param=1",
                    f"--workdir={c.folder / 'w'}"], r"alpha not 0 or 1"),
    Case("config", "unknown dataset", train("--config.data.name=cifar11"), r"unknown dataset 'cifar11'; choose one of"),
    Case("config", "a dataset missing offline", train("--config.data.name=cifar10"), r"cifar10.*TFDS_DATA_DIR"),
    Case("config", "an image folder dataset without data.path", train("--config.data.name=folder"),
         r"data.name='folder' needs data.path, the folder of images to train on"),
    Case("config", "an image folder that does not exist",
         train("--config.data.name=folder", "--config.data.path=/nonexistent/pictures"),
         r"data.path /nonexistent/pictures does not exist"),
    Case("config", "an image folder without images", lambda c: [*TRAIN, "--config.data.name=folder",
                                                              f"--config.data.path={c.folder / 'empty'}", f"--workdir={c.folder / 'w'}"],
         r"data.path .*empty holds no images \(png, jpg", prepare=write("empty/readme.txt", "no pictures here\n")),
    Case("config", "an image folder whose every file is unreadable", lambda c: [*TRAIN, "--config.data.name=folder",
                                                                              f"--config.data.path={c.folder / 'bad'}", f"--workdir={c.folder / 'w'}"],
         r"none of the 1 image files under data.path .*bad could be read \(the first: x.png\)",
         prepare=write("bad/x.png", "not a png\n")),
    Case("config", "a folder's options on a built-in dataset", train("--config.data.path=/tmp"),
         r"data.path describes a folder of images \(data.name='folder'\), not dataset 'ring'"),
    Case("config", "a value of the wrong type", train("--config.steps=abc"), r"--config.steps=abc"),
    Case("config", "steps = 0", train("--config.steps=0"), r"config.steps must be a positive integer, not 0"),
    Case("config", "batch size 0", train("--config.data.batch_size=0"), r"config.data.batch_size must be a positive integer"),
    Case("config", "negative seed", train("--config.seed=-1"), r"config.seed must be an integer in \[0, 2\^31\), not -1"),
    Case("config", "negative threads", train("--config.intra_op_threads=-1"), r"config.intra_op_threads must be an integer >= 0"),
    Case("config", "packing that does not divide the batch", train("--config.model.pac=3"), r"must be a multiple of config.model.pac \(3\)"),
    Case("config", "a GAN option (packing) on the VAE",
         lambda c: ["train", "--config=configs/vae_toy.py", "--config.pac=2", f"--workdir={c.folder / 'w'}"],
         r"unknown config key 'pac' in --config.pac"),
    Case("config", "weight clipping and a gradient penalty at once", train("--config.model.clip_value=0.01", "--config.model.gp_weight=10"),
         r"choose weight clipping \(clip_value\) or a gradient penalty \(gp_weight\), not both"),
    Case("config", "unknown mixed precision", train("--config.mixed_precision=float8"), r"unknown mixed_precision 'float8'"),
    Case("config", "unknown evaluation features", train("--config.eval.features=inceptoin"), r"unknown eval.features 'inceptoin'"),
    Case("config", "unknown optimizer", train("--config.g_optimizer.name=adamm"),
         r"unknown g_optimizer.name 'adamm'; choose one of: adam, rmsprop, sgd"),
    Case("config", "AIS with 0 steps", lambda c: ["train", "--config=configs/vae_toy.py", "--config.eval.ais.steps=0",
                                               f"--workdir={c.folder / 'w'}"], r"eval.ais.steps must be an integer >= 1, not 0"),
    Case("config", "unknown base recipe of the lens", lambda c: ["train", "--config=configs/tempered_toy.py:vae",
                                                                 f"--workdir={c.folder / 'w'}"], r"unknown base recipe 'vae'"),
    Case("config", "negative lens annealing", lambda c: ["train", "--config=configs/tempered_toy.py", "--config.model.lens_k=-1",
                                                        f"--workdir={c.folder / 'w'}"], r"config.model.lens_k .* must be an integer >= 0"),
    Case("config", "a lens net that is no lens", lambda c: ["train", "--config=configs/tempered_toy.py", "--config.nets.lens.name=mlp",
                                                           f"--workdir={c.folder / 'w'}"], r"config.nets.lens: net 'mlp' has no lens; the lens nets are: lens"),
    Case("config", "a config file that does not exist", lambda c: ["train", "--config=configs/nope.py", f"--workdir={c.folder / 'w'}"],
         r"cannot read the --config file"),
    Case("config", "a config file with a syntax error", lambda c: ["train", f"--config={c.folder / 'syntax.py'}", f"--workdir={c.folder / 'w'}"],
         r"has a syntax error at line 1", prepare=write("syntax.py", "def get_config(:\n")),
    Case("config", "a config file without get_config", lambda c: ["train", f"--config={c.folder / 'none.py'}", f"--workdir={c.folder / 'w'}"],
         r"the --config file defines no get_config\(\)", prepare=write("none.py", "X = 1\n")),
    Case("config", "a get_config that raises", lambda c: ["train", f"--config={c.folder / 'raises.py'}", f"--workdir={c.folder / 'w'}"],
         r"no such recipe", prepare=write("raises.py", "def get_config():\n    raise ValueError('no such recipe')\n")),
    Case("config", "a run's config.json given as --config", lambda c: ["train", f"--config={c.folder / 'config.json'}", f"--workdir={c.folder / 'w'}"],
         r"--config takes a config file \(configs/NAME.py\), not a run's config.json", prepare=write("config.json", '{"steps": 10}')),
    Case("config", "an unknown strategy", train("--strategy=tpu"), r"--strategy=tpu"),
    Case("config", "a stray positional argument", lambda c: [*TRAIN, "extra", f"--workdir={c.folder / 'w'}"], r"unexpected arguments extra"),
    Case("config", "multi-worker without a workdir", lambda c: [*TRAIN, "--strategy=multi_worker"], r"needs --workdir"),
    # --- the workdir ------------------------------------------------------------------------------
    Case("workdir", "--workdir is a regular file", lambda c: [*TRAIN, f"--workdir={c.folder / 'a_file'}"],
         r"--workdir .*a_file is a file, not a folder", prepare=write("a_file", "not a folder")),
    Case("workdir", "--workdir cannot be created", lambda c: [*TRAIN, f"--workdir={c.folder / 'a_file' / 'w'}"],
         r"cannot create --workdir .*a_file/w", prepare=write("a_file", "not a folder")),
    Case("workdir", "a run of another config", lambda c: [*RUN, "--config.model.objective.name=least_squares", f"--workdir={c.folder / 'run'}"],
         r"holds a run with a different config \(keys model.objective", prepare=copy_run),
    Case("workdir", "a workdir locked by a live trainer", lambda c: [*RUN, "--config.steps=8", f"--workdir={c.folder / 'run'}"],
         r"another trainer \(process \d+\) is running on", prepare=copy_run),
    Case("workdir", "every checkpoint and the backup truncated", lambda c: [*RUN, "--config.steps=8", f"--workdir={c.folder / 'run'}"],
         r"none of its checkpoints or backup can be used.*would restart from step 0",
         prepare=then(copy_run, truncate("run/checkpoints/*.keras"), truncate("run/backup/*/model.keras"))),
    Case("workdir", "config.json damaged", lambda c: [*RUN, f"--workdir={c.folder / 'run'}"], r"config.json \(the run's config\) is not valid JSON",
         prepare=then(copy_run, write("run/config.json", "{\"steps\": 4,"))),
    Case("workdir", "export from a folder that is not a workdir", lambda c: ["export", f"--workdir={c.folder}"], r"has no config.json"),
    Case("workdir", "export a step that was not kept", on_run("export", "--step=3"), r"no checkpoint of step 3 .* it holds steps 2, 4",
         prepare=copy_run),
    Case("workdir", "export with an unknown format", on_run("export", "--format=tflite"), r"unknown export format tflite", prepare=copy_run),
    Case("workdir", "export a damaged checkpoint by step", on_run("export", "--step=4"),
         r"the checkpoint of step 4, .* cannot be used: it does not match its SHA-256",
         prepare=then(copy_run, flip("run/checkpoints/ckpt-00000004.keras"))),
    Case("workdir", "export when every checkpoint is damaged", on_run("export"), r"no checkpoint in .* can be used",
         prepare=then(copy_run, truncate("run/checkpoints/*.keras"))),
    Case("workdir", "a checkpoint damaged without a checksum file", on_run("export", "--step=4"),
         r"the checkpoint of step 4, .* cannot be used: it does not load",
         prepare=then(copy_run, truncate("run/checkpoints/ckpt-00000004.keras"), remove("run/checkpoints/*.sha256"))),
    Case("workdir", "evaluate a workdir without checkpoints", on_run("train.evaluate"), r"no checkpoint in .*checkpoints: train first",
         prepare=then(copy_run, remove("run/checkpoints"))),
    Case("workdir", "export with metrics.json damaged", on_run("export"), r"metrics.json \(the run's metrics\) is not valid JSON",
         prepare=then(copy_run, write("run/metrics.json", "{"))),
    # --- the sampler (no TensorFlow) -------------------------------------------------------------------
    Case("sampler", "a folder that is not an export", lambda c: ["export.sample", str(c.folder), f"--out={c.folder / 'x.npy'}"],
         r"is not an export directory \(no metadata.json\)"),
    Case("sampler", "generator.onnx modified", sample(), r"generator.onnx does not match the SHA-256",
         prepare=then(copy_export("gan"), flip("gan/generator.onnx"))),
    Case("sampler", "metadata.json edited (the prior's scale)", sample(), r"metadata.json cannot be used: it does not match its SHA-256",
         prepare=then(copy_export("gan"), edit_json("gan/metadata.json", lambda m: m["prior"].update(scale=2.0)))),
    Case("sampler", "metadata.json not JSON (an export without its checksum file)", sample(), r"metadata.json is not valid JSON",
         prepare=then(copy_export("gan"), remove("gan/metadata.json.sha256"), write("gan/metadata.json", "{"))),
    Case("sampler", "an export folder that lost generator.onnx", sample(), r"has no generator.onnx, which its metadata.json lists",
         prepare=then(copy_export("gan"), remove("gan/generator.onnx"))),
    Case("sampler", "an export written without the onnx format", sample(export="saved_model_only"),
         r"has no generator.onnx: it was exported without the onnx format", prepare=copy_export("saved_model_only")),
    Case("sampler", "negative seed", sample("--seed=-1"), r"--seed must be a non-negative integer, not -1", prepare=copy_export("gan")),
    Case("sampler", "a truncation that would never end", sample("--truncation=1e-9"), r"--truncation must be at least 0.01",
         prepare=copy_export("gan")),
    Case("sampler", "--num = 0", sample("--num=0"), r"--num must be at least 1, not 0", prepare=copy_export("gan")),
    Case("sampler", "--num not a number", sample("--num=many"), r"argument --num: invalid int value: 'many'", prepare=copy_export("gan")),
    Case("sampler", "a picture of too many samples", lambda c: ["export.sample", str(c.folder / "gan"), "--num=10001",
                                                               f"--out={c.folder / 'g.png'}"], r"--num=10001 is too many images",
         prepare=copy_export("gan")),
    Case("sampler", "--out in a missing folder", lambda c: ["export.sample", str(c.folder / "gan"), f"--out={c.folder / 'no' / 'x.npy'}"],
         r"the folder of --out, .*/no, does not exist", prepare=copy_export("gan")),
    Case("sampler", "--out of another kind", lambda c: ["export.sample", str(c.folder / "gan"), f"--out={c.folder / 'x.jpg'}"],
         r"--out must end in .png or .npy", prepare=copy_export("gan")),
    # --- the encoder (no TensorFlow) -------------------------------------------------------------------
    Case("encoder", "an export without an encoder", lambda c: ["export.encode", str(c.folder / "gan"), f"--input={c.folder / 'x.npy'}"],
         r"holds a 'gan' model, which has no encoder \(the bigan, age, avb and vae models have one\)", prepare=then(copy_export("gan"), save_npy("x.npy", np.zeros((2, 2), np.float32)))),
    Case("encoder", "encoder.onnx modified", encode("--input={x}", "--out={z}"), r"encoder.onnx does not match the SHA-256",
         prepare=then(copy_export("bigan"), flip("bigan/encoder.onnx"), save_npy("x.npy", np.zeros((2, 28, 28, 1), np.float32))),
         ),
    Case("encoder", "a corrupt PNG", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'pngs'}",
                                               f"--out={c.folder / 'z.npy'}"], r"bad.png is not a readable PNG image",
         prepare=then(copy_export("bigan"), write("pngs/bad.png", b"\x89PNG\r\n\x1a\n broken"))),
    Case("encoder", "a folder without PNGs", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'pngs'}",
                                                       f"--out={c.folder / 'z.npy'}"], r"holds no .png images",
         prepare=then(copy_export("bigan"), write("pngs/notes.txt", "no images"))),
    Case("encoder", "data of the wrong shape", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'x.npy'}",
                                                         f"--out={c.folder / 'z.npy'}"], r"has shape \(2, 3\); this export encodes",
         prepare=then(copy_export("bigan"), save_npy("x.npy", np.zeros((2, 3), np.float32)))),
    Case("encoder", "integer pixels", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'x.npy'}",
                                                f"--out={c.folder / 'z.npy'}"], r"holds uint8 values; the encoder takes floats",
         prepare=then(copy_export("bigan"), save_npy("x.npy", np.zeros((2, 28, 28, 1), np.uint8)))),
    Case("encoder", "NaN in the data", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'x.npy'}",
                                                 f"--out={c.folder / 'z.npy'}"], r"NaN or infinite",
         prepare=then(copy_export("bigan"), save_npy("x.npy", np.full((2, 28, 28, 1), np.nan, np.float32)))),
    Case("encoder", "an input that does not exist", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'nope.npy'}",
                                                              f"--out={c.folder / 'z.npy'}"], r"--input must be an existing .npy file",
         prepare=copy_export("bigan")),
    Case("encoder", "a .npy that is not one", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'x.npy'}",
                                                        f"--out={c.folder / 'z.npy'}"], r"cannot read .*x.npy",
         prepare=then(copy_export("bigan"), write("x.npy", "not numpy"))),
    Case("encoder", "--out of another kind", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'x.npy'}",
                                                       f"--out={c.folder / 'z.png'}"], r"--out must end in .npy",
         prepare=then(copy_export("bigan"), save_npy("x.npy", np.zeros((2, 28, 28, 1), np.float32)))),
    Case("encoder", "batch size 0", lambda c: ["export.encode", str(c.folder / "bigan"), f"--input={c.folder / 'x.npy'}", "--batch_size=0",
                                              f"--out={c.folder / 'z.npy'}"], r"--batch_size must be at least 1, not 0",
         prepare=then(copy_export("bigan"), save_npy("x.npy", np.zeros((2, 28, 28, 1), np.float32)))),
    # --- the browser page's writer ----------------------------------------------------------------------
    Case("page", "a page of an export without ONNX", lambda c: ["export.web", str(c.folder / "gan"), f"--out={c.folder / 'site'}"],
         r"has no generator.onnx", prepare=then(copy_export("gan"), remove("gan/generator.onnx"))),
    Case("page", "--out onto a folder that is not a page", lambda c: ["export.web", str(c.folder / "gan"), f"--out={c.folder / 'mine'}"],
         r"exists and is not a page written by export.web", prepare=then(copy_export("gan"), write("mine/keep.txt", "mine"))),
    Case("page", "a port out of range", lambda c: ["export.web", str(c.folder / "gan"), "--port=70000"],
         r"--port must be between 0 and 65535, not 70000", prepare=copy_export("gan")),
]


def case_id(case):
    return re.sub(r"[^a-z0-9]+", "_", f"{case.area} {case.what}".lower()).strip("_")


class Context:
    def __init__(self, root, run, exports):
        self.root, self.run, self.exports, self.folder = root, run, exports, None


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, root):
    """Every case run once, two at a time: {case id: (result, before, after)}."""
    import tensorflow as tf

    from tests.helpers import image_bigan_export
    from tests.test_train import tiny
    from train import trainer

    base = tmp_path_factory.mktemp("hostile")
    run = base / "trained"
    trainer.run(tiny("nsgan_toy", steps=4), str(run), tf.distribute.get_strategy(), verbose=0)  # checkpoints 2, 4; export
    exports = {"gan": run / "export", "bigan": base / "bigan"}
    image_bigan_export(exports["bigan"])
    exports["saved_model_only"] = base / "saved_model_only"
    image_bigan_export(exports["saved_model_only"], formats=("saved_model",))
    env = user_env(TFDS_DATA_DIR=str(base / "no_data"))  # offline, with nothing prepared: cifar10 is missing

    def one(case):
        context = Context(root, run, exports)
        context.folder = base / case_id(case)
        context.folder.mkdir()
        lock = None
        if case.prepare:
            case.prepare(context, context.folder)
        if "locked" in case.what:  # a live trainer: this process holds the workdir's flock
            lock = os.open(context.folder / "run" / ".lock", os.O_RDWR | os.O_CREAT)
            fcntl.flock(lock, fcntl.LOCK_EX)
        before = snapshot(context.folder)
        try:
            result = subprocess.run([sys.executable, "-m", *case.argv(context)], cwd=root, env=env, capture_output=True,
                                    text=True, timeout=600)
        finally:
            if lock is not None:
                os.close(lock)
        return case_id(case), (result, before, snapshot(context.folder))

    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(one, CASES))


def test_the_cases_are_many_and_distinct():
    assert len(CASES) >= 60 and len({case_id(c) for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_hostile_input_gets_one_sentence_and_changes_nothing(case, outcomes):
    result, before, after = outcomes[case_id(case)]
    assert result.returncode == case.status, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) <= 5, result.stderr  # the sentence, with notes naming what was skipped or argparse's usage
    errors = [line for line in lines if line.startswith("error:") or ": error:" in line]
    assert len(errors) == 1 and re.search(case.message, errors[0]), result.stderr
    assert after == before  # nothing on disk changed (and nothing was added)


def table():
    """README's table of the cases (and of tests/test_faults.py's live faults)."""
    rows = ["| area | hostile input or fault | outcome |", "|---|---|---|"]
    for case in CASES:  # the sentence's pattern, readable: regex escapes dropped, wildcards as "..."
        words = re.sub(r"\\(.)", r"\1", case.message.replace("\\d+", "N").replace(".*", " ... ")).replace("|", "/").replace("  ", " ")
        rows.append(f"| {case.area} | {case.what} | exit {case.status}: \"{words.strip()}\"; nothing on disk changed |")
    rows += [f"| {area} | {what} | {outcome} |" for area, what, outcome in FAULTS]
    return "\n".join(rows)


FAULTS = [  # tests/test_faults.py and tests/test_train.py
    ("run", "kill -9 mid-run, then rerun", "resumes at the last saved step; ends bitwise equal to an uninterrupted run"),
    ("run", "kill -9 at five fixed points: inside a backup (state written, pointer not), inside a checkpoint (written, "
            "not renamed), between the two, inside the export, inside the final evaluation",
     "the rerun finishes bitwise equal to an uninterrupted run, with a verified export and no temporary file left"),
    ("run", "kill -9 at 12 random points of a save loop (inside backup and checkpoint writes)",
     "the backup pointer is always on a complete, verified state; every checkpoint matches its checksum"),
    ("run", "disk full at the third save (a 40 MB tmpfs)", "exit 2, one sentence naming the step and the newest checkpoint; "
                                                           "the rerun on a larger disk resumes there"),
    ("run", "a file size limit (RLIMIT_FSIZE) below a checkpoint", "exit 2, one sentence; nothing half-written"),
    ("run", "backup/ deleted", "resumes from the newest checkpoint with a note; bitwise equal to an uninterrupted run"),
    ("run", "backup/ in an older zoo version's layout (`training_metadata.json`)",
     "resumes from the newest checkpoint with a note naming it; with no checkpoint, refused in one sentence, nothing touched"),
    ("run", "newest checkpoint truncated; backup flipped by one byte", "skipped with a note naming each; older state used"),
    ("run", "a second trainer on the workdir", "refused in one sentence naming the live process; a dead one's lock is taken over"),
    ("run", "a loss becomes NaN", "exit 3, one sentence naming the step and the last good checkpoint (or that none was written)"),
    ("run", "steps not a multiple of log_every", "trains; the last interval ends with its own checkpoint"),
]


def test_readme_holds_the_table(root):
    readme = (root / "README.md").read_text()
    assert table() in readme, "README's reliability table is stale: paste `python -m tests.test_hostile`'s output"


if __name__ == "__main__":
    print(table())
