"""Network builders: name -> (generator builder, discriminator builder), each returning a keras.Model.

A generator builder takes (latent_dim, data_shape, **options); a discriminator builder takes
(data_shape, **options). Options come from the config's `nets.generator` / `nets.discriminator`.
"""
from zoo.errors import UserError, choose
from zoo.nets import dcgan, mlp

NETS = {
    "mlp": (mlp.generator, mlp.discriminator),
    "dcgan": (dcgan.generator, dcgan.discriminator),
}


def _call(builder, net, *args, **options):
    try:
        return builder(*args, **options)
    except TypeError as e:  # an option the builder does not take
        raise UserError(f"bad options for {net!r} net: {e}") from None
    except ValueError as e:
        raise UserError(str(e)) from None


def build_generator(name, latent_dim, data_shape, **options):
    return _call(choose("net", name, NETS)[0], name, latent_dim, data_shape, **options)


def build_discriminator(name, data_shape, **options):
    return _call(choose("net", name, NETS)[1], name, data_shape, **options)
