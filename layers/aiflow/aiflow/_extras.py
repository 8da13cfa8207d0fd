"""The optional parts of the SDK and the error that names the extra to install when one is missing.

The core needs pydantic alone, so a webhook that never dials and keeps its state elsewhere installs no
HTTP stack and no boto3. Placing calls needs ``[outbound]`` (requests, urllib3), the DynamoDB session store
``[aws]`` (boto3).
"""

from __future__ import annotations

__all__ = ["DISTRIBUTION", "MissingExtra"]

DISTRIBUTION = "aiflow-kit"  # the SDK's name on PyPI; the import name is aiflow


class MissingExtra(ModuleNotFoundError):
    """A feature's dependency is not installed; the message says which extra brings it.

    A :class:`ModuleNotFoundError`, so code that guards an optional import with ``except ImportError``
    keeps working.
    """

    def __init__(self, extra: str, feature: str, missing: ImportError) -> None:
        module = missing.name or str(missing)
        super().__init__(
            f"{feature} needs the package {module!r}, which is not installed: pip install '{DISTRIBUTION}[{extra}]'",
            name=module,
        )
        self.extra = extra
