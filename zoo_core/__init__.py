"""The TF-free base every layer of the zoo reads: atomic, checksummed files (`files`) and the latent
priors' definition (`priors`). Imports only numpy and the standard library, so the serving tools
(export.sample, export.encode, export.web) run without TensorFlow, and `import zoo` can register the
model classes with Keras without slowing them down."""
