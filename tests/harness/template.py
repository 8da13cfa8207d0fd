"""template.yaml read once per test process.

``local.template.load_template`` parses the whole template with PyYAML's pure-Python loader, about 0.15 s
of CPU each time; a table made per test paid that on every test. Tests only read the document, so one
parsed copy serves them all: never change what :func:`template` returns.
"""

from __future__ import annotations

import functools
from typing import Any

from local.template import load_template


@functools.cache
def template() -> dict[str, Any]:
    """The parsed template.yaml (shared: read it, do not change it)."""
    return load_template()


def resources() -> dict[str, dict[str, Any]]:
    """The template's ``Resources`` by logical id."""
    found: dict[str, dict[str, Any]] = template()["Resources"]
    return found
