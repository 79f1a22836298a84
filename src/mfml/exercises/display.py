"""Small rich-display objects: Markdown in notebooks, plain text everywhere else."""

from __future__ import annotations


class Text:
    """Markdown shown as Markdown by Jupyter (maths included) and as text by ``print``."""

    def __init__(self, markdown: str) -> None:
        self.markdown = markdown

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __str__(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and other.markdown == self.markdown

    __hash__ = None


def code_block(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def in_widget_kernel() -> bool:
    """True inside a Jupyter kernel that can show ipywidgets (browser or CPython)."""
    import sys

    if sys.platform == "emscripten":
        return True
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show(obj) -> None:
    """Display in a notebook, print elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(obj)
            return
    except ImportError:
        pass
    print(obj)
