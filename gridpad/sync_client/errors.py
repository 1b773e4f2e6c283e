"""Sync failures, each worded for the person holding the tablet.

``str(exc)`` is what the status strip and ``gridpad sync`` show, so every message is one plain line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.protocol import ErrorBody, Problem


class SyncError(Exception):
    """A sync or enrollment that did not complete; nothing local was lost."""


class NotEnrolledError(SyncError):
    def __init__(self) -> None:
        super().__init__("this device is not enrolled: run `gridpad enroll --server URL --code CODE`")


class ServerUnreachableError(SyncError):
    """Network failure or a server error that outlived the retries."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"server unreachable: {detail}")


class ServerFailedError(SyncError):
    """The server answered, but with a failure of its own (5xx) on every retry: it is reachable, and
    nothing this device sends will fix it."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the server failed (HTTP {status}); try again later, and tell IT if it persists")
        self.status = status


class CertificateError(SyncError):
    """TLS: the server's certificate could not be verified (untrusted CA, wrong name, expired).

    Raised before anything is sent, so nothing was spent on the server (an enrollment code stays valid).
    """

    def __init__(self, url: str, why: str) -> None:
        super().__init__(f"cannot verify the server's certificate at {url} ({why}): "
                         "if IT gave you a CA bundle, pass --ca-bundle FILE")
        self.url = url
        self.why = why


class RejectedError(SyncError):
    """The server answered and refused (4xx): retrying the same request would not help."""

    def __init__(self, reason: str, status: int = 400, body: ErrorBody | None = None) -> None:
        super().__init__(f"rejected by server: {reason}")
        self.reason = reason
        self.status = status
        self.body = body  # the server's refusal (stable ``error`` code), when it sent one

    @property
    def error(self) -> str:
        """The server's error code (``invalid_change``, ``out_of_scope`` …), "" when it sent none."""
        return self.body.error if self.body is not None else ""

    @property
    def problems(self) -> list[Problem]:
        """Per change and field, when the server said."""
        return list(self.body.problems) if self.body is not None else []


class ProtocolError(SyncError):
    """The server answered, but not in the shape of ``sync.protocol`` (a field missing, renamed or of
    the wrong type): not retried, since the same server would answer the same way. ``field`` names
    the first field not understood (``rows[3].server_seq``; empty when the whole reply was wrong)."""

    def __init__(self, field: str, problem: str, request: str) -> None:
        where = f"{field}: {problem}" if field else problem
        super().__init__(f"the server's reply was not understood: {where} ({request})")
        self.field = field
        self.problem = problem
        self.request = request


class HeldBackError(RejectedError):
    """Everything else synced, but local edits to rows of a grid this device does not hold (any
    more: the office took it away) stay in the outbox unsent. ``result``: the sync's SyncResult."""

    def __init__(self, count: int, result: object) -> None:
        super().__init__(f"{count} edit(s) to a grid this device no longer holds are kept here but cannot "
                         "be sent: ask the office to give the grid back", 403)
        self.count = count
        self.result = result


class PhotosRefusedError(RejectedError):
    """Everything else synced, but photos stay waiting because the server refused them (or the
    file here is damaged): said, not left waiting in silence. ``refused``: sha256 -> reason."""

    def __init__(self, refused: dict[str, str], result: object) -> None:
        first_sha, first_reason = next(iter(refused.items()))
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        super().__init__(f"{len(refused)} photo(s) could not be uploaded and stay waiting: photo "
                         f"{first_sha[:12]}: {first_reason}{more}")
        self.refused = refused
        self.result = result


class DeviceRevokedError(SyncError):
    def __init__(self) -> None:
        super().__init__(
            "enrollment revoked: IT revoked this device; its local records, photos and credential are wiped"
        )


class KeyringUnavailableError(SyncError):
    """Enrollment refused locally: the credential would have nowhere safe to live."""


class InsecureServerError(SyncError):
    """Refused locally before anything is sent: plain HTTP to a host that is not this machine."""

    def __init__(self, url: str) -> None:
        super().__init__(f"refusing plain HTTP to {url}: http:// is allowed only to this machine "
                         "(127.0.0.0/8, ::1, localhost); use https://, or set GRIDPAD_ALLOW_HTTP=1 "
                         "in a lab")
        self.url = url


class UnprovenRevocationError(SyncError):
    """A server said "revoked, wipe" but could not sign it with the key pinned at enrollment."""

    def __init__(self, url: str) -> None:
        super().__init__(f"the server at {url} claims this tablet is revoked but could not prove it is "
                         "the enrolled server; nothing was deleted")
        self.url = url


class ReenrollNeededError(SyncError):
    def __init__(self) -> None:
        super().__init__("this device was enrolled by an older version that signed in with a secret; "
                         "enroll it again with a new code: `gridpad enroll --server URL --code CODE`")


class SyncCancelledError(SyncError):
    """The person stopped the sync (取消). What was receipted stays sent; the rest waits in the outbox."""

    def __init__(self) -> None:
        super().__init__("sync cancelled: nothing is lost, edits wait on the tablet")
