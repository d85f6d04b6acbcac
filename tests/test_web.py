"""The in-browser sampler (python -m export.web; web/index.html, web/sampler.js) in a real browser:
Debian's Chromium driven headless through Selenium, as a user opens it.

The page's outputs for a z passed in (not drawn in JavaScript) must match onnxruntime in Python to
1e-4, for a generator and an encoder; the page renders without console errors; resampling, picking
two samples (the interpolation) and a dropped image (the encoder's reconstruction) work; a bad
export shows one sentence on the page. A screenshot goes to $ZOO_ARTIFACTS (default: artifacts/)
for a person to look at. Needs `npm ci --prefix web`, chromium and chromium-driver: outside CI the
tests are skipped without them, under CI=true they fail.
"""
import json
import os
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest

from export import browser
from export import lib as export_lib
from export import web
from export.artifacts import load_metadata, session
from tests.helpers import image_bigan_export

ARTIFACTS = os.environ.get("ZOO_ARTIFACTS", "artifacts")
# float32 through the same graph in two runtimes (onnxruntime's CPU kernels, its WASM build)
ATOL = 1e-4


@pytest.fixture(scope="module")
def driver():
    lacking = browser.missing()
    if lacking:
        message = "the browser tests need " + "; ".join(lacking)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    d = browser.chromium()
    yield d
    d.quit()


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Untrained exports (the page must reproduce any weights): a BiGAN on 28x28x1 images with a
    normal prior (generator and encoder), and a GAN on 2-D points."""
    from zoo import nets
    from zoo.models import GAN

    root = tmp_path_factory.mktemp("web")
    image_bigan_export(root / "bigan", seed=4, latent_dim=8, width=32, prior="normal", formats=("onnx",))
    gan = GAN(nets.build_generator("mlp", 2, (2,), widths=(32, 32)), nets.build_discriminator("mlp", (2,), widths=(8,)))
    gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    info = dict(data=export_lib.data_info("ring"), model="gan", objective="non_saturating", config="test_toy",
                steps=0, metrics={})
    export_lib.export(gan, str(root / "toy"), info, formats=("onnx",))
    return root


def _run(driver, method, array, n):
    return np.asarray(browser.call(driver, method, [float(v) for v in np.ravel(array)], n), np.float32)


def _generator_matches(driver, export_dir, n, seed):
    """The page's G(z) for a z passed in equals onnxruntime's in Python to ATOL."""
    metadata = load_metadata(export_dir)
    z = np.random.default_rng(seed).normal(size=(n, metadata["latent_dim"])).astype(np.float32)
    expected = session(export_dir, metadata, "generator.onnx").run(["x"], {"z": z})[0]
    return np.abs(_run(driver, "generate", z, n).reshape(expected.shape) - expected).max() <= ATOL


def _wait(driver, ms=500):
    driver.execute_async_script(f"setTimeout(arguments[arguments.length - 1], {ms})")


def test_the_page_matches_onnxruntime_and_works_like_a_user_expects(driver, exports, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    export_dir = exports / "bigan"
    metadata = load_metadata(export_dir)
    with browser.Server(export_dir) as server:
        assert browser.open_page(driver, server.url) is None
        # the generator and the encoder on inputs passed in, against onnxruntime in Python
        assert _generator_matches(driver, export_dir, 5, seed=0)
        x = np.random.default_rng(1).uniform(-1, 1, size=(3, 28, 28, 1)).astype(np.float32)
        codes = session(export_dir, metadata, "encoder.onnx").run(["z"], {"x": x})[0]
        page = _run(driver, "encode", x, 3).reshape(codes.shape)
        assert np.abs(page - codes).max() <= ATOL

        grid = driver.find_element(By.ID, "grid")
        assert grid.is_displayed() and driver.find_element(By.ID, "truncation-control").is_displayed()
        before = driver.execute_script("return arguments[0].toDataURL()", grid)
        driver.find_element(By.ID, "resample").click()
        _wait(driver)
        assert driver.execute_script("return arguments[0].toDataURL()", grid) != before
        # the grid shows G(z) of the page's z: 8 x 8 images at 3 screen pixels per image pixel
        z = np.asarray(driver.execute_script("return window.zoo.z"), np.float32).reshape(64, -1)
        x = session(export_dir, metadata, "generator.onnx").run(["x"], {"z": z})[0]
        shown = np.asarray(driver.execute_script(
            "const c = arguments[0]; return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);",
            grid), np.uint8).reshape(8 * 28 * 3, 8 * 28 * 3, 4)[1::3, 1::3, 0]
        tiles = shown.reshape(8, 28, 8, 28).transpose(0, 2, 1, 3).reshape(64, 28, 28)
        assert np.abs(tiles.astype(int) - np.round((np.clip(x[..., 0], -1, 1) + 1) * 127.5)).max() <= 1
        # pick two samples: the interpolation appears
        cell = grid.size["width"] / 8
        for dx in (-3.5 * cell, 2.5 * cell):
            ActionChains(driver).move_to_element_with_offset(grid, int(dx), int(-cell)).click().perform()
            _wait(driver)
        assert driver.find_element(By.ID, "interp-frame").is_displayed()
        # an image given to the encoder: its reconstruction is G(E(x)) of the page's own input x
        from PIL import Image

        png = tmp_path / "digit.png"
        pixels = (np.random.default_rng(2).uniform(size=(28, 28)) * 255).astype(np.uint8)
        Image.fromarray(pixels).save(png)
        driver.find_element(By.ID, "file").send_keys(str(png))
        driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                     "(function wait() { window.zoo.reconstruction ? done() : setTimeout(wait, 50); })();")
        r = driver.execute_script("return window.zoo.reconstruction")
        x = np.asarray(r["x"], np.float32).reshape(1, 28, 28, 1)
        assert np.abs(x[0, :, :, 0] - (pixels / 127.5 - 1)).max() <= 1e-6  # the export's value range
        codes = session(export_dir, metadata, "encoder.onnx").run(["z"], {"x": x})[0]
        assert np.abs(np.asarray(r["z"]) - codes.ravel()).max() <= ATOL
        y = session(export_dir, metadata, "generator.onnx").run(["x"], {"z": codes})[0]
        assert np.abs(np.asarray(r["y"]) - y.ravel()).max() <= ATOL
        assert driver.find_element(By.ID, "recon-output").is_displayed()
        assert driver.execute_script("return window.zoo.error") is None
        assert browser.console_errors(driver) == []
        os.makedirs(ARTIFACTS, exist_ok=True)
        driver.save_screenshot(os.path.join(ARTIFACTS, "web_sampler.png"))


def test_the_page_draws_each_prior_as_metadata_describes_it(driver, exports):
    """The page's own random z: moments and support of each prior form of metadata.json (200,000
    coordinates: standard errors of about 0.002 sd)."""
    n, d = 25_000, 8
    with browser.Server(exports / "bigan") as server:
        assert browser.open_page(driver, server.url) is None
        draw = lambda prior, t=0: np.asarray(browser.call(driver, "prior", n, 7, t, prior, d)).reshape(n, d)  # noqa: E731
        z = draw({"name": "normal", "loc": 2.0, "scale": 0.5})
        assert abs(z.mean() - 2.0) < 0.01 and abs(z.std() - 0.5) < 0.01
        z = draw({"name": "normal", "loc": 0.0, "scale": 1.0}, t=1.0)  # truncated to [-1, 1] sd
        assert np.abs(z).max() <= 1.0 and abs(z.std() - 0.5376) < 0.01  # sd of N(0, 1) truncated at 1
        z = draw({"name": "uniform", "low": -1.0, "high": 3.0})
        assert z.min() >= -1 and z.max() <= 3 and abs(z.mean() - 1.0) < 0.02 and abs(z.std() - 4 / 12 ** 0.5) < 0.01
        z = draw({"name": "sphere", "radius": 3.0})
        assert np.allclose(np.linalg.norm(z, axis=1), 3.0, atol=1e-5)
        assert np.abs(z.mean(0)).max() < 0.03 and abs(z.std() - 3.0 / d ** 0.5) < 0.01
        # different seeds, different draws; the same seed, the same draws
        one, again, other = (browser.call(driver, "prior", 2, seed, 0, None, None) for seed in (1, 1, 2))
        assert one == again != other and len(one) == 2 * 8


def test_a_2d_export_draws_a_scatter(driver, exports):
    from selenium.webdriver.common.by import By

    export_dir = exports / "toy"
    with browser.Server(export_dir) as server:
        assert browser.open_page(driver, server.url) is None
        assert _generator_matches(driver, export_dir, 7, seed=3)
        scatter = driver.find_element(By.ID, "scatter")
        assert scatter.is_displayed() and not driver.find_element(By.ID, "grid").is_displayed()
        blue = driver.execute_script(  # drawn points: pixels of the scatter's colour
            "const c = arguments[0], d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            "let n = 0; for (let i = 0; i < d.length; i += 4) n += d[i + 2] > 150 && d[i] < 150; return n;", scatter)
        assert blue > 100
        assert not driver.find_element(By.ID, "encoder").is_displayed()
        assert browser.console_errors(driver) == []


@pytest.mark.parametrize("fault, sentence", [
    ("checksum", "generator.onnx does not match the SHA-256 in metadata.json (modified or corrupt)."),
    ("missing", "This export has no encoder.onnx (HTTP 404)."),
    ("edited", "model/metadata.json does not match its SHA-256 (edited or damaged): export the model again."),
    ("metadata", "model/metadata.json is not valid JSON."),
])
def test_a_bad_export_shows_one_sentence_on_the_page(driver, exports, tmp_path, fault, sentence):
    """The static folder of --out, damaged after it was written (as on a static host)."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "page"
    assert web.main([str(exports / "bigan"), f"--out={page}"]) == 0
    if fault == "checksum":
        with open(page / "model" / "generator.onnx", "r+b") as f:
            f.seek(200)
            byte = f.read(1)
            f.seek(200)
            f.write(bytes([byte[0] ^ 1]))
    elif fault == "missing":
        os.remove(page / "model" / "encoder.onnx")
    elif fault == "edited":  # how z is drawn: a larger prior scale would change every sample
        meta = json.loads((page / "model" / "metadata.json").read_text())
        meta["prior"]["high"] = 2.0
        (page / "model" / "metadata.json").write_text(json.dumps(meta))
    else:  # a page of an export from before metadata.json had its checksum file
        os.remove(page / "model" / "metadata.json.sha256")
        (page / "model" / "metadata.json").write_text("{not json")
    server = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory",
                               str(page)], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (http://127.0.0.1:N/) ..."
    try:
        assert browser.open_page(driver, line.split("(")[1].split(")")[0]) == sentence
        error = driver.find_element(By.ID, "error")
        assert error.is_displayed() and error.text == sentence
        assert not driver.find_element(By.ID, "samples").is_displayed()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_out_writes_a_static_folder_and_refuses_to_overwrite_other_folders(exports, tmp_path, capsys):
    if not os.path.isdir(web.ORT):
        pytest.skip("needs npm ci --prefix web") if not os.environ.get("CI") else pytest.fail("npm ci --prefix web")
    page = tmp_path / "page"
    assert web.main([str(exports / "bigan"), f"--out={page}"]) == 0
    names = sorted(os.path.relpath(os.path.join(root, f), page) for root, _, fs in os.walk(page) for f in fs)
    assert names == sorted(["index.html", "sampler.js", "page.json", "model/metadata.json", "model/metadata.json.sha256",
                            "model/generator.onnx",
                            "model/encoder.onnx", *[f"ort/{n}" for n in web.ORT_FILES]])
    assert json.loads((page / "page.json").read_text())["onnxruntime_web"] == "1.30.0"
    assert web.main([str(exports / "toy"), f"--out={page}"]) == 0  # its own page: replaced whole
    assert not (page / "model" / "encoder.onnx").exists()
    capsys.readouterr()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    for args, message in [
        ([str(exports / "toy"), f"--port={port}"],
         f"error: cannot serve on 127.0.0.1:{port} (Address already in use): choose another --port\n"),
        ([str(exports / "toy"), f"--out={mine}"], f"error: {mine} exists and is not a page written by export.web: "
                                                   "choose another --out\n"),
        ([str(tmp_path), f"--out={tmp_path / 'x'}"], f"error: {tmp_path} is not an export directory (no metadata.json)\n"),
        ([str(exports / "toy"), "--port=70000"], "error: --port must be between 0 and 65535, not 70000\n"),
        ([str(exports / "toy"), f"--out={tmp_path / 'no' / 'such'}"],
         f"error: the folder of --out, {tmp_path / 'no'}, does not exist\n"),
    ]:
        assert web.main(args) == 2
        assert capsys.readouterr().err == message
    taken.close()
    assert os.listdir(mine) == ["notes.txt"] and (mine / "notes.txt").read_text() == "keep"
