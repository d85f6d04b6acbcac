"""examples/python_api.ipynb runs top to bottom (nbclient, a real Jupyter kernel) on a tiny budget."""
import os

import nbformat
from nbclient import NotebookClient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_python_api_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("ZOO_NOTEBOOK_STEPS", "6")
    monkeypatch.setenv("PYTHONPATH", ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    notebook = nbformat.read(os.path.join(ROOT, "examples", "python_api.ipynb"), as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "\n".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", []))
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert "refused: the examples range over" in text
    difference = float(text.split("onnxruntime vs Keras, max difference: ")[1].split()[0])
    assert difference < 1e-4
    images = [o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the samples beside the data, and onnxruntime's samples
    assert (tmp_path / "spiral_export" / "generator.onnx").exists()
