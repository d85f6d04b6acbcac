"""The TF-free base every layer of the zoo reads: atomic, checksummed files (`files`), the latent
priors' definition (`priors`) and the user's-mistake exception with the one way a command fails on it
(`errors`). Imports only numpy and the standard library, so the serving tools
(export.sample, export.encode, export.web) run without TensorFlow, and `import zoo` can register the
model classes with Keras without slowing them down."""
