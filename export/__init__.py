"""Export: SavedModel + ONNX + metadata. Submodules import TensorFlow only where they need it:
`export.sample` and `export.pictures` run with numpy, onnxruntime, Pillow and matplotlib alone."""
