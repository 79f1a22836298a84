"""The ten interactive labs. In a notebook:

    from mfml.labs import lab04
    lab = lab04.show()

`labNN` is a short name for the module `labNN_short_slug` (the file name the authoring guide
prescribes); it is imported on first use, so importing this package stays cheap.

`mfml.labs.maths` holds the NumPy-only helpers the labs share (sigmoid, unit vectors, the one
rank rule, rounding-noise cleanup); it imports neither bqplot nor ipywidgets, so a chapter can
use it. `mfml.labs.common` holds the widget plumbing.
"""

import importlib

MODULES = {
    "lab01": "lab01_function_transformer",
    "lab02": "lab02_vector_playground",
    "lab03": "lab03_dot_product_projection",
    "lab04": "lab04_matrix_transform",
    "lab05": "lab05_linear_systems",
    "lab06": "lab06_eigenvectors",
    "lab07": "lab07_pca",
    "lab08": "lab08_derivatives",
    "lab09": "lab09_gradient_descent",
    "lab10": "lab10_linear_regression",
}

__all__ = list(MODULES)


def __getattr__(name: str):
    if name in MODULES:
        module = importlib.import_module(f"{__name__}.{MODULES[name]}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *MODULES])
