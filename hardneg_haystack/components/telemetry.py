"""No network calls the user did not ask for: Haystack's usage telemetry is off in our CLI and server.

Haystack sends anonymous usage events unless ``HAYSTACK_TELEMETRY_ENABLED`` is false. ``hardneg`` handles
private documents offline, so it turns telemetry off unless the user opts in by setting
``HAYSTACK_TELEMETRY_ENABLED=true`` themselves.
"""

from __future__ import annotations

import os
import sys

ENV = "HAYSTACK_TELEMETRY_ENABLED"


def opted_in(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether the user asked for telemetry (set the variable to true or 1 themselves)."""
    return environ.get(ENV, "").strip().lower() in ("true", "1")


def disable_unless_opted_in() -> bool:
    """Switch Haystack's telemetry off for this process unless the user opted in; returns whether it is on."""
    if opted_in():
        return True
    os.environ[ENV] = "False"  # read when Haystack loads
    loaded = sys.modules.get("haystack.telemetry._telemetry")
    if loaded is not None:  # created on import when the variable was unset: drop it before any send
        loaded.telemetry = None
    return False
