"""Deliberate crash points for the recovery tests; inert unless switched on twice over.

A test starts a real worker with ``ROADMAP_FAULT=<point>`` in its environment; when the code
reaches that point the process dies at once (``os._exit``), as a power cut would, and the test
checks that a fresh worker finishes the work. The environment variable is honoured only when
``settings.DEBUG`` or ``settings.ROADMAP_FAULT_INJECTION`` is on (the test settings); in
production both are off and ``fault_point`` does nothing.
"""

import os

from django.conf import settings


def fault_point(name: str) -> None:
    if not (settings.DEBUG or getattr(settings, "ROADMAP_FAULT_INJECTION", False)):
        return
    if os.environ.get("ROADMAP_FAULT") == name:
        os._exit(1)
