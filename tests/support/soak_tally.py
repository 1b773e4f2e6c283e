"""One line per convergence example or fault trial, appended to the file named by
``GRIDPAD_SOAK_TALLY`` (bench/soak.py counts them there instead of parsing pytest's output).
Without the variable nothing is written."""

from __future__ import annotations

import os

ENV = "GRIDPAD_SOAK_TALLY"


def tally(kind: str, backend: str, outcome: str, detail: str = "") -> None:
    """``kind`` (``convergence``/``fault``), the server's backend, ``ok``/``fail``, and what to rerun."""
    path = os.environ.get(ENV)
    if not path:
        return
    line = "\t".join((kind, backend, outcome, detail.replace("\n", " "))) + "\n"
    with open(path, "a", encoding="utf-8") as f:  # one short append per line: whole lines under O_APPEND
        f.write(line)
