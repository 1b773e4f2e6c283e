"""The central system's HTTP API (FastAPI). ``create_app(engine, data_dir)`` builds it.

Every "now" the API uses (token issue and expiry, enrollment-code expiry, the clock-ahead check,
conflict resolution times) comes from one ``clock``, so tests move time instead of waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from sync import hlc
from sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_PULL_LIMIT,
    PROTOCOL_VERSION,
    ChallengeRequest,
    ChallengeResponse,
    Checksums,
    Conflict,
    ConflictList,
    EnrollRequest,
    EnrollResponse,
    ErrorBody,
    Me,
    PhotoStatus,
    PlatesRequest,
    PlatesResponse,
    Problem,
    PullResponse,
    PushRequest,
    PushResponse,
    ResolveRequest,
    RuleBreachList,
    TokenRequest,
    TokenResponse,
)
from sync.server import (
    auth,
    central,
    db,
    enrollment,
    hazard_api,
    keys,
    legacy_rows,
    photos,
    plates,
    push,
    reads,
)
from sync.server.body_limit import BodyLimit
from sync.server.refusal import Refused

#: Milliseconds since the Unix epoch, now.
Clock = Callable[[], int]

_bearer = HTTPBearer(auto_error=False)
_ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody} for s in (400, 401, 403, 404, 409, 413, 422)}


@dataclass(frozen=True)
class DeviceCtx:
    id: str
    user: str
    role: Literal["manager", "supervisor"]
    grids: set[str]
    last_sync_ms: int


def current_device(request: Request,
                   creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> DeviceCtx:
    """The enrolled, unrevoked device a valid bearer token names, with its grids read now."""
    engine: Engine = request.app.state.engine
    clock: Clock = request.app.state.clock
    if creds is None or creds.scheme.lower() != "bearer":
        raise Refused(401, "no_token", "send 'Authorization: Bearer <token>' (POST /v1/token)")
    try:
        device_id = auth.read_token(request.app.state.token_key, creds.credentials, clock())
    except auth.TokenError as e:
        raise Refused(401, "bad_token", e.reason) from None
    with db.read_tx(engine) as conn:
        row = conn.execute(sa.select(db.device.c.revoked, db.app_user.c.name, db.app_user.c.role,
                                     db.device.c.last_sync_ms)
                           .join(db.app_user, db.app_user.c.name == db.device.c.user_name)
                           .where(db.device.c.id == device_id)).first()
        if row is None:
            raise Refused(401, "unknown_device", "this device is not enrolled")
        if row[0]:
            raise Refused(403, "revoked", "this device was revoked: wipe its local data", wipe=True)
        grids = push.device_grids(conn, device_id)
    return DeviceCtx(device_id, row[1], row[2], grids, row[3] or 0)


Device = Annotated[DeviceCtx, Depends(current_device)]
Sha = Annotated[str, PathParam(pattern=photos.SHA_RE)]


def _json(model: Any, status: int = 200) -> Response:
    # Serialise once with pydantic (FastAPI would validate the model a second time).
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")


def create_app(engine: Engine, data_dir: Path, token_ttl_ms: int = auth.TOKEN_TTL_MS,
               clock: Clock = hlc.now_ms) -> FastAPI:
    with db.write_tx(engine) as conn:
        token_key = auth.signing_key(conn)
    keys.load_or_create_signing_key(data_dir)
    keys.load_or_create_identity_key(data_dir)

    app = FastAPI(title="GridPad central system", version=str(PROTOCOL_VERSION),
                  description="Sync, enrollment, photos, conflicts and door plates for GridPad tablets.")
    app.state.engine = engine
    app.state.token_key = token_key
    app.state.clock = clock
    # zlib's default level: a 5000-row page compresses in a third of level 9's time (Starlette's
    # default), 7 % larger; small answers (an empty sync) go as they are.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(BodyLimit)
    _add_error_handlers(app)
    _add_account_routes(app, engine, data_dir, token_key, token_ttl_ms, clock)
    _add_sync_routes(app, engine, data_dir, clock)
    _add_photo_routes(app, engine, data_dir)
    hazard_api.add_hazard_routes(app, engine, token_key, token_ttl_ms, clock)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        return JSONResponse({"ok": True})

    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def _refused(_request: Request, exc: Refused) -> Response:
        return _json(exc.body, exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        # Never echo the input back: it may hold personal data.
        problems = [Problem(field=".".join(str(x) for x in e.get("loc", ()))[:200] or None,
                            rule=str(e.get("type", "invalid")), message=str(e.get("msg", "invalid")))
                    for e in exc.errors()[:50]]
        reason = problems[0].message if problems else "invalid request"
        return _json(ErrorBody(error="invalid_request", reason=reason, problems=problems), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        # Starlette's and FastAPI's own refusals (an unknown path, a body that does not parse) in the
        # same ErrorBody as ours, so a device reads every refusal one way.
        cause = exc.__cause__
        if isinstance(cause, RecursionError):
            body, status = _too_deep(), 422
        elif isinstance(cause, UnicodeDecodeError):
            body, status = ErrorBody(error="invalid_body", reason="the body is not UTF-8 text"), 400
        elif exc.status_code == 400 and cause is not None:
            body, status = ErrorBody(error="invalid_body", reason="the body is not valid JSON"), 400
        else:
            body = ErrorBody(error=_HTTP_ERRORS.get(exc.status_code, "http_error"), reason=str(exc.detail))
            status = exc.status_code
        return Response(body.model_dump_json(), status_code=status, media_type="application/json",
                        headers=exc.headers)

    @app.exception_handler(RecursionError)
    async def _deep(_request: Request, _exc: RecursionError) -> Response:
        return _json(_too_deep(), 422)

    @app.exception_handler(Exception)
    async def _failed(_request: Request, _exc: Exception) -> Response:
        # Logged with its traceback by the server; the device learns only that the server failed.
        return _json(ErrorBody(error="server_error", reason="the server failed; try again later"), 500)


_HTTP_ERRORS = {400: "bad_request", 401: "no_token", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}


def _too_deep() -> ErrorBody:
    return ErrorBody(error="too_deep", reason="the body is nested too deeply (JSON values may nest "
                                              "at most about 250 levels)")


def _add_account_routes(app: FastAPI, engine: Engine, data_dir: Path, token_key: bytes,
                        token_ttl_ms: int, clock: Clock) -> None:
    @app.post("/v1/enroll", response_model=EnrollResponse, responses=_ERRORS)
    def enroll(req: EnrollRequest) -> Response:
        """Trade a one-time enrollment code for a device credential (the code is then spent)."""
        return _json(enrollment.enroll(engine, data_dir, req, clock()))

    @app.post("/v1/challenge", response_model=ChallengeResponse, responses=_ERRORS)
    def challenge(req: ChallengeRequest) -> Response:
        """A single-use nonce to sign for a token (a revoked device: a wipe order signed over its
        ``device_nonce`` by the server's identity key, which the device pinned at enrollment)."""
        return _json(enrollment.issue_challenge(engine, data_dir, req, clock()))

    @app.post("/v1/token", response_model=TokenResponse, responses=_ERRORS)
    def token(req: TokenRequest) -> Response:
        """A short-lived bearer token for the device's signature of a challenge."""
        now = clock()
        enrollment.check_proof(engine, data_dir, req, now)
        text, expires = auth.make_token(token_key, req.device_id, now, token_ttl_ms)
        return _json(TokenResponse(token=text, expires_in=(expires - now) // 1000, expires_at_ms=expires))

    @app.get("/v1/me", response_model=Me, responses=_ERRORS)
    def me(dev: Device) -> Response:
        return _json(Me(device_id=dev.id, user=dev.user, role=dev.role, grids=sorted(dev.grids),
                        revoked=False, plate_public_keys=keys.public_keys(data_dir)))


def _add_sync_routes(app: FastAPI, engine: Engine, data_dir: Path, clock: Clock) -> None:
    @app.post("/v1/push", response_model=PushResponse, responses=_ERRORS)
    def push_changes(req: PushRequest, dev: Device) -> Response:
        """Merge up to 500 outbox rows in one transaction; idempotent by (device_id, change_id)."""
        now = clock()
        checked = push.check_batch(req, dev.id, now)
        with db.write_tx(engine) as conn:
            return _json(push.apply_batch(conn, dev.id, checked, req, now))

    @app.get("/v1/pull", response_model=PullResponse, responses=_ERRORS)
    def pull(dev: Device, since: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
             limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
             table: Annotated[str | None, Query(max_length=32)] = None) -> Response:
        """Row images after ``since`` in the device's grids, by server_seq, tombstones included."""
        if table is not None and table not in db.synced:
            raise Refused(422, "unknown_table", f"unknown table {table!r}")
        with db.read_tx(engine) as conn:
            body, more = reads.pull_json(conn, dev.grids, since, limit, table)
        now = clock()
        if not more and table is None and now - dev.last_sync_ms > 60_000:
            # Fleet health needs minutes, not milliseconds: skip the write on frequent empty syncs.
            with db.write_tx(engine) as conn:
                conn.execute(db.device.update().where(db.device.c.id == dev.id).values(last_sync_ms=now))
        return Response(body, media_type="application/json")

    @app.get("/v1/checksums", response_model=Checksums, responses=_ERRORS)
    def checksums(dev: Device) -> Response:
        """Per table: row count and checksum (sync.protocol.table_checksum) over the device's grids."""
        with db.read_tx(engine) as conn:
            return _json(reads.checksums(conn, dev.grids))

    @app.get("/v1/conflicts", response_model=ConflictList, responses=_ERRORS)
    def list_conflicts(dev: Device, include_resolved: bool = False) -> Response:
        """Open conflicts in the device's grids (oldest first, at most 500)."""
        with db.read_tx(engine) as conn:
            return _json(ConflictList(conflicts=reads.conflicts(conn, dev.grids, include_resolved)))

    @app.get("/v1/rule-breaches", response_model=RuleBreachList, responses=_ERRORS)
    def list_rule_breaches(dev: Device) -> Response:
        """Rows of the device's grids that break the shared rules (stored before the server checked
        whole rows; at most 1000): the device shows them for correction."""
        with db.read_tx(engine) as conn:
            return _json(RuleBreachList(breaches=legacy_rows.device_breaches(conn, dev.grids)))

    @app.post("/v1/conflicts/{conflict_id}/resolve", response_model=Conflict, responses=_ERRORS)
    def resolve(conflict_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], req: ResolveRequest,
                dev: Device) -> Response:
        with db.write_tx(engine) as conn:
            return _json(central.resolve(conn, conflict_id, req.choice, dev.id, dev.grids, clock()))

    @app.post("/v1/plates", response_model=PlatesResponse, responses=_ERRORS)
    def make_plates(req: PlatesRequest, dev: Device) -> Response:
        """Signed door-plate payloads for buildings in the device's grids."""
        with db.read_tx(engine) as conn:
            return _json(plates.for_buildings(conn, data_dir, req.building_ids, dev.grids))


def _add_photo_routes(app: FastAPI, engine: Engine, data_dir: Path) -> None:
    @app.put("/v1/photos/{sha256}", response_model=PhotoStatus, responses=_ERRORS, openapi_extra={
        "requestBody": {"required": True, "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}}})
    async def put_photo(sha256: Sha, request: Request, dev: Device) -> Response:
        """Upload (a chunk of) a photo; ``Content-Range: bytes START-END/TOTAL`` resumes. An
        unfinished upload is this device's own; a verified photo is shared."""
        body = await request.body()
        st = await run_in_threadpool(photos.receive, engine, data_dir, sha256, body,
                                     request.headers.get("content-range"), dev.id, dev.grids)
        return _json(st)

    @app.head("/v1/photos/{sha256}", responses=_ERRORS)
    def head_photo(sha256: Sha, dev: Device) -> Response:
        st = photos.status(engine, sha256, dev.id, dev.grids)
        return Response(headers={"Upload-Offset": str(st.received),
                                 "Upload-Complete": "1" if st.complete else "0"})

    @app.get("/v1/photos/{sha256}", response_model=PhotoStatus, responses=_ERRORS)
    def get_photo(sha256: Sha, dev: Device) -> Response:
        """How many bytes of the photo the server holds for this device, and whether it is verified
        (404 unless a record in the device's grids names it or the device began uploading it)."""
        return _json(photos.status(engine, sha256, dev.id, dev.grids))

    @app.get("/v1/photos/{sha256}/content", responses=_ERRORS, response_class=FileResponse)
    def photo_content(sha256: Sha, dev: Device) -> Response:
        """The verified file, for a device whose grids hold a record naming it (404 otherwise)."""
        return FileResponse(photos.file_path(engine, data_dir, sha256, dev.grids),
                            media_type="application/octet-stream")
