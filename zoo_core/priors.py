"""The latent priors z ~ p(z): their names and the description metadata.json records of each.

One definition read by both samplers: training's TensorFlow draw (zoo.models.base: stateless, and
distinct per replica) and serving's numpy draw (export.sample, which imports no TensorFlow). A prior
is a map of a standard draw, `STANDARD[name]` ("normal": n ~ N(0, I), "uniform": u ~ U[0, 1)), by
`transform`, so the two samplers differ only in where the standard numbers come from.
"""
PRIORS = {
    "normal": dict(name="normal", loc=0.0, scale=1.0),
    "uniform": dict(name="uniform", low=-1.0, high=1.0),
    # z = n / ||n|| with n ~ N(0, I): the uniform distribution on the unit sphere (AGE)
    "sphere": dict(name="sphere", radius=1.0),
}
STANDARD = {"normal": "normal", "uniform": "uniform", "sphere": "normal"}  # the standard draw each prior maps


def describe(name):
    """What metadata.json records of the prior called `name`."""
    if name not in PRIORS:
        raise ValueError(f"unknown prior {name!r}; choose one of: {', '.join(PRIORS)}")
    return dict(PRIORS[name])


def transform(description, standard, normalize):
    """z from the prior `description` (a PRIORS entry, or metadata.json's copy of one), given a draw
    `standard` [B, d] of STANDARD[its name]; `normalize` scales each row to unit length (numpy's or
    TensorFlow's). Works on numpy arrays and tensors alike."""
    name = description["name"]
    if name == "normal":
        return description["loc"] + description["scale"] * standard
    if name == "uniform":
        return description["low"] + (description["high"] - description["low"]) * standard
    if name == "sphere":  # a normalised Gaussian is uniform on the sphere
        return description["radius"] * normalize(standard)
    raise ValueError(f"unknown prior {name!r}; choose one of: {', '.join(PRIORS)}")
