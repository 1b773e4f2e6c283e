"""HTTP to the central server: TLS verification, short-lived tokens, retries with backoff.

Every request the sync client makes is idempotent on the server (the push ledger makes a replayed
batch a no-op), so network errors and 5xx answers are retried with exponential backoff; 4xx answers
are final and become :class:`RejectedError` with the server's own reason, or :class:`DeviceRevokedError`.
Bodies are built from the :mod:`sync.protocol` models and every reply is validated into its model, so
a reply missing a field (or carrying a renamed one) is a :class:`ProtocolError`, never a default.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import ipaddress
import os
import secrets
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from gridpad.sync_client.cancel import Cancel
from gridpad.sync_client.credentials import DeviceKeys
from gridpad.sync_client.errors import (
    CertificateError,
    DeviceRevokedError,
    InsecureServerError,
    ProtocolError,
    RejectedError,
    ServerFailedError,
    ServerUnreachableError,
    UnprovenRevocationError,
)
from sync.protocol import (
    ChallengeRequest,
    ChallengeResponse,
    ErrorBody,
    TokenRequest,
    TokenResponse,
    token_message,
    wipe_message,
)

Reply = TypeVar("Reply", bound=BaseModel)

#: Connect / read timeouts (seconds): a dead network or a server that accepts and never answers
#: must not hold the sync thread for long. A read timeout is not retried (the server took the
#: request and said nothing: asking again would only double the wait), a failed connect is.
TIMEOUT = (5.0, 20.0)
#: No retry starts after this long on one request: "server unreachable" within about 30 s.
REQUEST_BUDGET_S = 25.0
#: Lab-only: ``GRIDPAD_ALLOW_HTTP=1`` lets enroll and sync use plain http:// to any host.
ALLOW_HTTP_ENV = "GRIDPAD_ALLOW_HTTP"


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """Refuse plain HTTP to anything but this machine (the secret-free token exchange still lets
    an eavesdropper read and alter every record in transit), unless the lab flag is set."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "https":
        return
    if parts.scheme.lower() != "http":
        raise RejectedError(f"server URL must start with https:// (got {url!r})")
    if not is_loopback(parts.hostname or "") and os.environ.get(ALLOW_HTTP_ENV) != "1":
        raise InsecureServerError(url)


class _RevokedClaim(Exception):  # noqa: N818 - a claim to judge, not an error
    """A 403 ``revoked``/``wipe`` answer, not yet proven to come from the enrolled server."""

    def __init__(self, body: ErrorBody) -> None:
        super().__init__(body.reason)
        self.body = body


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff_s: float = 0.25  # doubled after each failed attempt

    def delays(self) -> list[float]:
        return [self.backoff_s * (2**i) for i in range(self.attempts - 1)]


class _RetryableError(Exception):
    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status  # the 5xx the server answered, if it answered


def _error_body(resp: requests.Response) -> ErrorBody | None:
    """The server's refusal (:class:`sync.protocol.ErrorBody`), or None when something else answered
    (a proxy's page, an unknown path)."""
    try:
        return ErrorBody.model_validate_json(resp.content, extra="ignore")
    except ValidationError:
        return None


def _reason(resp: requests.Response, body: ErrorBody | None) -> str:
    if body is None:
        try:
            detail = resp.json().get("detail")
        except (ValueError, AttributeError):
            detail = None
        if isinstance(detail, str) and detail:  # Starlette's own answers, e.g. an unknown path
            return detail
        return resp.text.strip()[:200] or f"HTTP {resp.status_code}"
    if body.problems:
        more = f" (and {len(body.problems) - 1} more)" if len(body.problems) > 1 else ""
        return f"{body.reason or body.error}: {body.problems[0].message}{more}"
    return body.reason or body.error or f"HTTP {resp.status_code}"


def _field_path(loc: tuple[int | str, ...]) -> str:
    """``("rows", 3, "server_seq")`` -> ``rows[3].server_seq``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _certificate_problem(exc: BaseException) -> str | None:
    """OpenSSL's reason when ``exc`` wraps a failed certificate check (requests nests it 3 deep)."""
    todo: list[object] = [exc]
    seen: set[int] = set()
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ssl.SSLCertVerificationError):
            return str(e.verify_message or e.reason or "certificate verify failed").rstrip(".")
        todo += [*e.args, getattr(e, "reason", None), e.__cause__, e.__context__]
    return None


def _network_detail(exc: requests.RequestException, url: str) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return f"{url}: TLS handshake failed ({type(exc).__name__})"
    if isinstance(exc, requests.Timeout):
        return f"{url}: no answer in time"
    if isinstance(exc, requests.ConnectionError):
        return f"{url}: connection failed"
    return f"{url}: connection broken ({type(exc).__name__})"


def _tracking_adapter(cancel: Cancel) -> HTTPAdapter:
    """An adapter whose connections hand their sockets to ``cancel`` as they connect, so a
    cancel from another thread can shut down a request that is waiting for an answer."""

    class _Conn(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            cancel.track(self.sock)

    class _TlsConn(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            cancel.track(self.sock)

    class _Pool(HTTPConnectionPool):
        ConnectionCls = _Conn

    class _TlsPool(HTTPSConnectionPool):
        ConnectionCls = _TlsConn

    class _Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TlsPool}

    return _Adapter()


class ServerClient:
    """One server, one device. Holds the token in memory only; the keys come from the keyring.

    A "revoked, wipe" answer becomes :class:`DeviceRevokedError` only when the server signs a wipe
    order over a fresh nonce of ours with the key pinned at enrollment; otherwise
    :class:`UnprovenRevocationError`, and nothing is deleted."""

    def __init__(self, base_url: str, *, verify: bool | str = True, device_id: str | None = None,
                 keys: DeviceKeys | None = None, retry: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep, cancel: Cancel | None = None) -> None:
        check_url(base_url)
        self.base_url = base_url.rstrip("/")
        self.device_id = device_id
        self._keys = keys
        self._token: str | None = None
        self._token_expires = 0.0
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self.session = requests.Session()
        #: Stops this client's requests from another thread (the UI's 取消); None: not cancellable.
        self.cancel = cancel
        if cancel is not None:
            adapter = _tracking_adapter(cancel)
            self.session.mount("http://", adapter)
            self.session.mount("https://", adapter)
        # Passed with each request too: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a
        # session's verify (psf/requests#3829), which would silently drop IT's --ca-bundle.
        self.verify = verify
        self.session.verify = verify
        # Small requests: an empty sync should stay well under 2 KB on the wire.
        self.session.headers.clear()
        self.session.headers.update({"Accept-Encoding": "gzip", "Connection": "keep-alive"})

    def close(self) -> None:
        self.session.close()

    # -- tokens ---------------------------------------------------------------------------------
    def _auth_header(self) -> dict[str, str]:
        if self._token is None or time.monotonic() >= self._token_expires:
            self._fetch_token()
        return {"Authorization": f"Bearer {self._token}"}

    def _challenge(self) -> tuple[ChallengeResponse, str]:
        """A challenge to sign, and our own nonce it was asked with. A revoked answer is judged
        here: proven -> :class:`DeviceRevokedError`, else :class:`UnprovenRevocationError`."""
        if not self.device_id or self._keys is None:
            raise RejectedError("no device credential on this device; enroll again")
        own_nonce = secrets.token_urlsafe(24)
        ask = ChallengeRequest(device_id=self.device_id, device_nonce=own_nonce)
        try:
            return self._call("POST", "/v1/challenge", ChallengeResponse, body=ask, params=None,
                              gzip_body=False, data=None, headers=None, auth=False), own_nonce
        except _RevokedClaim as claim:
            if self._wipe_proven(claim.body, own_nonce):
                raise DeviceRevokedError() from None
            raise UnprovenRevocationError(self.base_url) from None

    def _wipe_proven(self, body: ErrorBody, own_nonce: str) -> bool:
        if self._keys is None or not self.device_id or not body.wipe_proof:
            return False
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(self._keys.server_key, validate=True))
            key.verify(base64.b64decode(body.wipe_proof, validate=True),
                       wipe_message(self.device_id, own_nonce))
        except (InvalidSignature, ValueError, binascii.Error):
            return False
        return True

    def _prove_revocation(self) -> NoReturn:
        """Some answer said "revoked": ask the server to prove it. Raises either way (a server that
        then issues a challenge after all contradicts itself: unproven too)."""
        self._token = None
        self._challenge()
        raise UnprovenRevocationError(self.base_url)

    def _fetch_token(self) -> None:
        challenge, _own = self._challenge()
        if self._keys is None or self.device_id is None:  # pragma: no cover - _challenge checked
            raise RejectedError("no device credential on this device; enroll again")
        creds = TokenRequest(device_id=self.device_id, nonce=challenge.nonce,
                             signature=self._keys.sign(token_message(self.device_id, challenge.nonce)))
        try:
            answer = self._call("POST", "/v1/token", TokenResponse, body=creds, params=None,
                                gzip_body=False, data=None, headers=None, auth=False)
        except _RevokedClaim:
            self._prove_revocation()
        self._token = answer.token
        ttl = float(answer.expires_in)
        self._token_expires = time.monotonic() + max(ttl - 30.0, ttl / 2)

    # -- requests -------------------------------------------------------------------------------
    def call(self, method: str, path: str, reply: type[Reply], *, body: BaseModel | None = None,
             params: BaseModel | None = None, gzip_body: bool = False, data: bytes | None = None,
             headers: dict[str, str] | None = None, auth: bool = True) -> Reply:
        """Send ``body`` (a :mod:`sync.protocol` model, or raw ``data``) with retries; return the
        answer validated into ``reply``. A reply not of that shape raises :class:`ProtocolError`
        naming the field (fields a newer server adds are ignored)."""
        try:
            return self._call(method, path, reply, body=body, params=params, gzip_body=gzip_body,
                              data=data, headers=headers, auth=auth)
        except _RevokedClaim as claim:
            if not auth or not self.device_id:  # e.g. enrolling: nothing to wipe, just a refusal
                raise RejectedError(claim.body.reason, 403) from None
            self._prove_revocation()

    def _call(self, method: str, path: str, reply: type[Reply], *, body: BaseModel | None,
              params: BaseModel | None, gzip_body: bool, data: bytes | None,
              headers: dict[str, str] | None, auth: bool) -> Reply:
        hdrs: dict[str, str] = dict(headers or {})
        if body is not None:
            data = body.model_dump_json().encode()
            hdrs["Content-Type"] = "application/json"
            if gzip_body:
                data = gzip.compress(data, compresslevel=5)
                hdrs["Content-Encoding"] = "gzip"
        query = params.model_dump(mode="json", exclude_none=True) if params is not None else None
        return self._send(method, path, reply, data=data, params=query, headers=hdrs, auth=auth)

    def _send(self, method: str, path: str, reply: type[Reply], *, data: bytes | None,
              params: dict[str, Any] | None, headers: dict[str, str], auth: bool) -> Reply:
        url = self.base_url + path
        delays = self.retry.delays()
        refreshed = False
        untrusted: str | None = None
        failed_status: int | None = None
        started = time.monotonic()
        for attempt in range(len(delays) + 1):
            if self.cancel is not None:
                self.cancel.check()
            try:
                if auth:
                    headers.update(self._auth_header())
                resp = self.session.request(method, url, data=data, params=params, headers=headers,
                                            timeout=TIMEOUT, verify=self.verify)
                if resp.status_code == 401 and auth and not refreshed:
                    self._token = None  # expired or server restarted: one fresh token, then judge
                    refreshed = True
                    headers.update(self._auth_header())
                    resp = self.session.request(method, url, data=data, params=params, headers=headers,
                                                timeout=TIMEOUT, verify=self.verify)
                return self._read(resp, reply, f"{method} {path}")
            except requests.RequestException as exc:
                if self.cancel is not None:
                    self.cancel.check()  # the failure is our own cancel shutting the socket
                failure, failed_status = _network_detail(exc, self.base_url), None
                untrusted = _certificate_problem(exc)
                if untrusted:  # not transient: say so at once (raised outside, so no network cause)
                    break
                if isinstance(exc, requests.exceptions.ReadTimeout):
                    break  # it took the request and said nothing: waiting again only doubles the wait
            except _RetryableError as exc:
                failure, failed_status = exc.detail, exc.status
            if attempt < len(delays):
                if time.monotonic() - started + delays[attempt] > REQUEST_BUDGET_S:
                    break
                if self.cancel is not None:
                    self.cancel.wait(delays[attempt])
                else:
                    self._sleep(delays[attempt])
        if untrusted:
            raise CertificateError(self.base_url, untrusted)
        if failed_status is not None:  # it answered: reachable, but failing
            raise ServerFailedError(failed_status)
        raise ServerUnreachableError(failure)

    def _read(self, resp: requests.Response, reply: type[Reply], request: str) -> Reply:
        self._refuse(resp)
        try:
            return reply.model_validate_json(resp.content, extra="ignore")
        except ValidationError as exc:
            problems = exc.errors(include_url=False, include_input=False)  # no personal value echoed
            if any(p["type"] == "json_invalid" for p in problems):
                # A cut-off body: the request is idempotent, so ask again.
                raise _RetryableError(f"{self.base_url}: incomplete answer") from None
            first = problems[0]
            msg = str(first["msg"])
            raise ProtocolError(_field_path(first["loc"]), msg[:1].lower() + msg[1:], request) from None

    def _refuse(self, resp: requests.Response) -> None:
        """Raise for an answer that is not a success: 5xx retried, 4xx final."""
        if resp.status_code >= 500:
            raise _RetryableError(f"{self.base_url}: server error {resp.status_code}", resp.status_code)
        if resp.status_code >= 400:
            body = _error_body(resp)
            if resp.status_code == 403 and body is not None and (body.error == "revoked" or body.wipe):
                raise _RevokedClaim(body)
            raise RejectedError(_reason(resp, body), resp.status_code, body)
