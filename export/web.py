"""python -m export.web EXPORT_DIR [--port=8000] [--out=DIR]

Serves one static page that runs the export's generator (and encoder) in the browser with
onnxruntime-web (WASM): a grid of samples from the prior in metadata.json (a scatter for 2-D data),
resampling, a truncation slider (normal priors), a latent interpolation between two picked samples,
and, for exports with an encoder, the reconstruction of a dropped image. --out=DIR writes the same
page as a self-contained folder for any static host instead of serving it. Imports no TensorFlow.

The page's sources are web/index.html and web/sampler.js; onnxruntime-web comes from the npm
registry (web/package.json and its lockfile): run `npm ci --prefix web` once in the repository.
"""
import argparse
import functools
import http.server
import json
import os
import shutil
import signal
import sys
import tempfile

from export.artifacts import ExportError, check_out, load_metadata, verify
from zoo_core import errors, files

WEB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "web")
PAGE = ("index.html", "sampler.js")
ORT = os.path.join(WEB, "node_modules", "onnxruntime-web")
# the WASM-only ES module and the single-file WASM runtime it loads (SIMD; threads when isolated)
ORT_FILES = ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
MARKER = "page.json"  # names a folder this module wrote, so --out replaces only its own pages
MODEL_FILES = ("generator.onnx", "encoder.onnx")


def onnxruntime_web_version():
    if not all(os.path.isfile(os.path.join(WEB, name)) for name in PAGE):
        raise ExportError(f"the page's sources are not installed ({WEB} has no index.html): run export.web from a "
                          "checkout of the repository (pip install -e .)")
    package = os.path.join(ORT, "package.json")
    if not all(os.path.isfile(os.path.join(ORT, "dist", name)) for name in ORT_FILES) or not os.path.isfile(package):
        raise ExportError(f"onnxruntime-web is not installed: run `npm ci --prefix {WEB}` (once; it needs the npm "
                          "registry)")
    with open(package) as f:
        return json.load(f)["version"]


def build(export_dir, out):
    """Writes the page for EXPORT_DIR into the folder `out` (replaced whole if it is a page this
    module wrote; refused if it is anything else); returns the export's metadata."""
    metadata = load_metadata(export_dir)
    # generator.onnx always (verify says why it is missing), encoder.onnx where the export lists it
    onnx = [name for name in MODEL_FILES if name == "generator.onnx" or name in metadata.get("onnx", {})]
    paths = {name: verify(export_dir, metadata, name) for name in onnx}
    version = onnxruntime_web_version()
    if os.path.lexists(out) and not os.path.isfile(os.path.join(out, MARKER)):
        raise ExportError(f"{out} exists and is not a page written by export.web: choose another --out")
    check_out(out)
    old = f"{os.path.abspath(out)}.old-{os.getpid()}"
    with files.atomic_path(out) as tmp:
        os.makedirs(os.path.join(tmp, "ort"))
        os.makedirs(os.path.join(tmp, "model"))
        for name in PAGE:
            shutil.copyfile(os.path.join(WEB, name), os.path.join(tmp, name))
        for name in ORT_FILES:
            shutil.copyfile(os.path.join(ORT, "dist", name), os.path.join(tmp, "ort", name))
        for name, path in paths.items():
            shutil.copyfile(path, os.path.join(tmp, "model", name))
        for name in ("metadata.json", "metadata.json" + files.CHECKSUM):
            if os.path.exists(os.path.join(export_dir, name)):  # exports before checksums have no .sha256
                shutil.copyfile(os.path.join(export_dir, name), os.path.join(tmp, "model", name))
        with open(os.path.join(tmp, MARKER), "w") as f:
            json.dump({"written_by": "python -m export.web", "export": os.path.abspath(export_dir),
                       "onnxruntime_web": version}, f, indent=2)
        if os.path.lexists(out):  # our own older page: set aside, replaced below, then deleted
            os.replace(out, old)
    files.remove(old)
    return metadata


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the WASM and module MIME types, no caching, and the two headers that make
    the page cross-origin isolated (so onnxruntime-web may use threads)."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                      ".onnx": "application/octet-stream", ".json": "application/json"}

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # quiet: one line per request is noise for a sampler
        pass


def serve(folder, port, host="127.0.0.1"):
    """An HTTP server of `folder` on host:port (port 0: any free port), not yet serving."""
    try:
        return http.server.ThreadingHTTPServer((host, port), functools.partial(Handler, directory=folder))
    except OSError as e:
        raise ExportError(f"cannot serve on {host}:{port} ({e.strerror}): choose another --port") from None


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m export.web", description=__doc__.split("\n\n")[1])
    parser.add_argument("export_dir")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--out", default=None, help="write the page to this folder instead of serving it")
    args = parser.parse_args(argv)
    scratch = None
    try:
        if not 0 <= args.port <= 65535:
            raise ExportError(f"--port must be between 0 and 65535, not {args.port}")
        if args.out is not None:
            build(args.export_dir, args.out)
            print(f"wrote the page to {args.out}: serve that folder with any static web server "
                  "(threads need the Cross-Origin-Opener/Embedder-Policy headers; without them it runs on one)")
            return 0
        scratch = tempfile.mkdtemp(prefix="zoo-web-")
        folder = os.path.join(scratch, "page")
        build(args.export_dir, folder)
        server = serve(folder, args.port)
    except ExportError as e:
        errors.say(e)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as Ctrl-C does: the scratch folder goes too
    print(f"serving {args.export_dir} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
