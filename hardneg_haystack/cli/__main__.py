"""``python -m hardneg_haystack.cli``: the ``hardneg`` command."""

from hardneg_haystack.cli import app

app()
