"""The one way the server refuses a request: an HTTP status, a stable error code and a reason."""

from __future__ import annotations

from sync.protocol import ErrorBody, Problem


class Refused(Exception):  # noqa: N818 - a refusal, not a server error
    def __init__(self, status: int, error: str, reason: str, problems: list[Problem] | None = None,
                 *, wipe: bool = False, wipe_proof: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.body = ErrorBody(error=error, reason=reason, problems=problems or [], wipe=wipe,
                              wipe_proof=wipe_proof)
