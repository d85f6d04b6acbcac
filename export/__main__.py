"""python -m export --workdir=DIR [--step=N] [--format=...]: re-exports a training workdir.

Rebuilding a model from a workdir's config is training code, so this command is train.export; the
export package never imports train (imports run train -> export -> zoo), so this module hands the
process over to `python -m train.export` with the same arguments instead of importing it.
"""
import os
import sys


def main():
    os.execv(sys.executable, [sys.executable, "-m", "train.export", *sys.argv[1:]])


if __name__ == "__main__":
    main()
