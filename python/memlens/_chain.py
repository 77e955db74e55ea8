"""Runs the user's own ``sitecustomize`` after one of memlens's.

Standalone (standard library only, no package imports), so the footprint and
imports launchers can copy it beside their sitecustomize as ``_memlens_chain``
without importing the memlens package into the program they measure.
"""

import os
import sys


def chain_sitecustomize(ours):
    """Imports the next ``sitecustomize`` on ``sys.path`` after the one at
    ``ours`` (a file, or the folder holding it), if there is one."""
    here = os.path.abspath(ours if os.path.isdir(ours) else os.path.dirname(ours))
    mine = sys.modules.pop("sitecustomize", None)
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        import sitecustomize  # noqa: F401  (the user's, if any)
    except ImportError:
        if mine is not None:
            sys.modules["sitecustomize"] = mine
    finally:
        sys.path[:] = saved
