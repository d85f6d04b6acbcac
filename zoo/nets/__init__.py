"""Network builders: net name -> module with one builder per role, each returning a keras.Model.

Roles and their arguments (the rest are options from the config's `nets.ROLE` entry):
- generator(latent_dim, data_shape): z [B, d] -> x [B, *data_shape]
- discriminator(data_shape): x -> one unconstrained score [B, 1]
- encoder(data_shape, code_dim, noise_dim=0): x (and noise eps [B, noise_dim] when noise_dim > 0,
  the implicit encoder of AVB) -> a linear code [B, code_dim]
- joint_discriminator(data_shape, latent_dim): (x, z) -> one score [B, 1] (BiGAN's D, AVB's T)
- lens(data_shape): x -> L(x) of the same shape (the Tempered lens; net "lens" only)
"""
from zoo.errors import UserError, choose
from zoo.nets import bigan_mlp, dcgan, lens, mlp

NETS = {"mlp": mlp, "dcgan": dcgan, "lens": lens, "bigan_mlp": bigan_mlp}
ROLES = ("generator", "discriminator", "encoder", "joint_discriminator", "lens")


def builder(role, name):
    """The builder of the `role` network of family `name`, or a UserError (an unknown family, or a
    family without that role) naming the families that have it."""
    found = getattr(choose("net", name, NETS), role, None)
    if found is None:
        families = sorted(n for n, module in NETS.items() if hasattr(module, role))
        raise UserError(f"net {name!r} has no {role}; the {role} nets are: {', '.join(families)}")
    return found


def build(role, name, *args, **options):
    """The `role` network of family `name`; bad options are a UserError naming them."""
    make = builder(role, name)
    try:
        return make(*args, **options)
    except TypeError as e:  # an option the builder does not take
        raise UserError(f"bad options for the {name!r} {role}: {e}") from None
    except ValueError as e:
        raise UserError(str(e)) from None


def build_generator(name, latent_dim, data_shape, **options):
    return build("generator", name, latent_dim, data_shape, **options)


def build_discriminator(name, data_shape, **options):
    return build("discriminator", name, data_shape, **options)
