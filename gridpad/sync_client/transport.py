"""HTTP to the central server: TLS verification, short-lived tokens, retries with backoff.

Every request the sync client makes is idempotent on the server (the push ledger makes a replayed
batch a no-op), so network errors and 5xx answers are retried with exponential backoff; 4xx answers
are final and become :class:`RejectedError` with the server's own reason, or :class:`DeviceRevokedError`.
"""

from __future__ import annotations

import gzip
import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from gridpad.sync_client.errors import (
    CertificateError,
    DeviceRevokedError,
    RejectedError,
    ServerUnreachableError,
)

#: Connect / read timeouts (seconds): a dead network must not hold the sync thread for long.
TIMEOUT = (5.0, 60.0)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff_s: float = 0.25  # doubled after each failed attempt

    def delays(self) -> list[float]:
        return [self.backoff_s * (2**i) for i in range(self.attempts - 1)]


class _RetryableError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _reason(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text.strip()[:200] or f"HTTP {resp.status_code}"
    if isinstance(body, dict):
        if isinstance(body.get("detail"), dict):  # HTTPException(detail={...}) nests the body
            body = body["detail"]
        problems = body.get("problems") or []
        if problems and isinstance(problems[0], dict) and problems[0].get("message"):
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return f"{body.get('reason') or body.get('error')}: {problems[0]['message']}{more}"
        for key in ("reason", "detail", "message", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, list) and value:  # FastAPI validation errors
                first = value[0]
                if isinstance(first, dict):
                    where = ".".join(str(p) for p in first.get("loc", []) if p != "body")
                    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))
    return f"HTTP {resp.status_code}"


def _is_revoked(resp: requests.Response) -> bool:
    if resp.status_code != 403:
        return False
    try:
        body = resp.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    detail = body.get("detail")
    if isinstance(detail, dict):  # HTTPException(detail={...}) nests the body
        body = detail
    return body.get("error") == "revoked" or bool(body.get("wipe"))


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


class ServerClient:
    """One server, one device. Holds the token in memory only; the secret comes from the keyring."""

    def __init__(self, base_url: str, *, verify: bool | str = True, device_id: str | None = None,
                 secret: str | None = None, retry: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.device_id = device_id
        self._secret = secret
        self._token: str | None = None
        self._token_expires = 0.0
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self.session = requests.Session()
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

    def _fetch_token(self) -> None:
        if not self.device_id or not self._secret:
            raise RejectedError("no device credential on this device; enroll again")
        creds = {"device_id": self.device_id, "device_secret": self._secret}
        body = self.call("POST", "/v1/token", json_body=creds, auth=False)
        self._token = str(body.get("token") or body.get("access_token"))
        ttl = float(body.get("expires_in", 300))
        self._token_expires = time.monotonic() + max(ttl - 30.0, ttl / 2)

    # -- requests -------------------------------------------------------------------------------
    def call(self, method: str, path: str, *, json_body: Any = None, params: dict[str, Any] | None = None,
             gzip_json: bool = False, data: bytes | None = None, headers: dict[str, str] | None = None,
             auth: bool = True, raw: bool = False, allow_404: bool = False) -> Any:
        """Send with retries; return the decoded JSON (or the response when ``raw``)."""
        url = self.base_url + path
        body: bytes | None = data
        hdrs: dict[str, str] = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body, separators=(",", ":"), ensure_ascii=False).encode()
            hdrs["Content-Type"] = "application/json"
            if gzip_json:
                body = gzip.compress(body, compresslevel=5)
                hdrs["Content-Encoding"] = "gzip"
        delays = self.retry.delays()
        refreshed = False
        untrusted: str | None = None
        for attempt in range(len(delays) + 1):
            try:
                if auth:
                    hdrs.update(self._auth_header())
                resp = self.session.request(method, url, data=body, params=params, headers=hdrs,
                                            timeout=TIMEOUT, verify=self.verify)
                if resp.status_code == 401 and auth and not refreshed:
                    self._token = None  # expired or server restarted: one fresh token, then judge
                    refreshed = True
                    hdrs.update(self._auth_header())
                    resp = self.session.request(method, url, data=body, params=params, headers=hdrs,
                                                timeout=TIMEOUT, verify=self.verify)
                if allow_404 and resp.status_code == 404:
                    return resp
                return self._judge(resp, raw)
            except requests.RequestException as exc:
                failure = _network_detail(exc, self.base_url)
                untrusted = _certificate_problem(exc)
                if untrusted:  # not transient: say so at once (raised outside, so no network cause)
                    break
            except _RetryableError as exc:
                failure = exc.detail
            if attempt < len(delays):
                self._sleep(delays[attempt])
        if untrusted:
            raise CertificateError(self.base_url, untrusted)
        raise ServerUnreachableError(failure)

    def _judge(self, resp: requests.Response, raw: bool) -> Any:
        if resp.status_code >= 500:
            raise _RetryableError(f"{self.base_url}: server error {resp.status_code}")
        if _is_revoked(resp):
            raise DeviceRevokedError()
        if resp.status_code >= 400:
            raise RejectedError(_reason(resp), resp.status_code)
        if raw:
            return resp
        if not resp.content:
            return {}
        try:
            return resp.json()
        except ValueError:  # a cut-off body: the request is idempotent, so ask again
            raise _RetryableError(f"{self.base_url}: incomplete answer") from None
