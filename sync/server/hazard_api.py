"""Staff endpoints: ``POST /v1/staff/token`` (name + password) and ``/v1/hazards`` (list, show, act).

Every hazard endpoint checks the staff account's role and territory through the shared rules
(:func:`sync.rules.hazard_workflow.check_event` / ``allowed_actions``); a refused action answers
with the rule code, the hazard's state and the actions the account may take now.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from sync.protocol import ErrorBody, Problem
from sync.rules.hazard_workflow import Action, Actor, HazardState, WorkflowError
from sync.server import auth, hazards, staff
from sync.server.refusal import Refused

_bearer = HTTPBearer(auto_error=False)
_ERRORS: dict[int | str, dict[str, Any]] = {s: {"model": ErrorBody} for s in (401, 403, 404, 409, 422, 429)}
_ID = r"^[A-Za-z0-9_.:-]{1,64}$"
HazardId = Annotated[str, PathParam(pattern=_ID)]
#: Text without control characters (PostgreSQL refuses NUL in text; names are typed, not pasted).
_LINE = r"^[^\x00-\x1f\x7f]*$"
_TEXT = r"^[^\x00]*$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StaffTokenRequest(_Body):
    name: Annotated[str, Field(min_length=1, max_length=100, pattern=_LINE)]
    password: Annotated[str, Field(min_length=1, max_length=staff.MAX_PASSWORD)]


class StaffTokenResponse(_Body):
    token: str
    token_type: str = "bearer"
    expires_in: int
    expires_at_ms: int
    user: str
    role: str
    town: str | None
    org: str | None


class ActRequest(_Body):
    action: Annotated[str, Field(max_length=32)]
    note: Annotated[str, Field(max_length=2000, pattern=_TEXT)] = ""
    params: Annotated[dict[Annotated[str, Field(max_length=32, pattern=_LINE)],
                           Annotated[str, Field(max_length=200, pattern=_LINE)] | int | bool],
                      Field(max_length=10)] = {}
    photos: Annotated[list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]], Field(max_length=20)] = []
    #: The timeline version the author saw (``version`` of the hazard shown); None: the current one.
    seen: Annotated[int | None, Field(ge=0, le=100_000)] = None


def _workflow_refusal(error: WorkflowError) -> Response:
    """``ErrorBody`` with the rule code as ``error``, plus the hazard's ``state`` and the
    ``allowed_actions`` of the account now."""
    detail = hazards.refusal_detail(error)
    body = {**ErrorBody(error=error.error.rule, reason=error.error.message,
                        problems=[Problem(field=error.error.field, rule=error.error.rule,
                                          message=error.error.message)]).model_dump(),
            "state": detail["state"], "allowed_actions": detail["allowed_actions"]}
    rule = error.error.rule
    status = (409 if rule in ("hazard.transition", "hazard.stale", "hazard.duplicate")
              else 403 if rule in ("hazard.role", "hazard.territory") else 422)
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type="application/json")


def current_staff(request: Request,
                  creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Actor:
    """The staff account a valid staff token names, read now (a removed account is refused)."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise Refused(401, "no_token", "send 'Authorization: Bearer <token>' (POST /v1/staff/token)")
    try:
        subject = auth.read_token(request.app.state.token_key, creds.credentials, request.app.state.clock())
    except auth.TokenError as e:
        raise Refused(401, "bad_token", e.reason) from None
    if not subject.startswith(staff.SUBJECT_PREFIX):
        raise Refused(403, "not_staff", "this endpoint is for centre and department staff")
    actor = staff.actor_of(request.app.state.engine, subject[len(staff.SUBJECT_PREFIX):])
    if actor is None:
        raise Refused(401, "unknown_user", "this staff account no longer exists")
    return actor


Staff = Annotated[Actor, Depends(current_staff)]


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status_code=status, media_type="application/json")


def add_hazard_routes(app: FastAPI, engine: Engine, token_key: bytes, token_ttl_ms: int,
                      clock: Any) -> None:
    @app.exception_handler(WorkflowError)
    async def _refused_action(_request: Request, exc: WorkflowError) -> Response:
        return _workflow_refusal(exc)

    @app.post("/v1/staff/token", response_model=StaffTokenResponse, responses=_ERRORS)
    def staff_token(req: StaffTokenRequest) -> Response:
        """A short-lived bearer token for a centre or department user's name and password."""
        now = clock()
        result = staff.sign_in(engine, req.name, req.password, now)
        if not result.ok:
            if result.retry_after_ms:
                seconds = -(-result.retry_after_ms // 1000)
                raise Refused(429, "too_many_attempts",
                              f"too many failed sign-ins for this name: try again in {seconds} s")
            raise Refused(401, "bad_credentials", "wrong name or password")
        actor = staff.actor_of(engine, req.name)
        assert actor is not None  # the password matched a stored account
        text, expires = auth.make_token(token_key, staff.SUBJECT_PREFIX + req.name, now, token_ttl_ms)
        return _json(StaffTokenResponse(token=text, expires_in=(expires - now) // 1000, expires_at_ms=expires,
                                        user=actor.user, role=actor.role.value, town=actor.town,
                                        org=actor.org or None).model_dump())

    @app.get("/v1/hazards", responses=_ERRORS)
    def list_hazards(who: Staff, status: Annotated[str | None, Query(max_length=24)] = None,
                     grid: Annotated[str | None, Query(pattern=_ID)] = None) -> Response:
        """Hazards of the account's territory: a centre its town, a department what is or was
        dispatched to it; ``status`` is a state name (REPORTED, DISPATCHED, …)."""
        state = _state(status)
        found = hazards.list_hazards(engine, who, clock(), grid=grid, status=state)
        return _json({"hazards": [h.to_dict() for h in found]})

    @app.get("/v1/hazards/{hazard_id}", responses=_ERRORS)
    def show_hazard(hazard_id: HazardId, who: Staff) -> Response:
        """The hazard, its timeline, its current deadline and the actions the account may take."""
        try:
            return _json(hazards.show(engine, hazard_id, who, clock()).to_dict())
        except (hazards.HazardNotFound, hazards.NotInTerritory):
            raise Refused(404, "not_found", f"no hazard {hazard_id} in your territory") from None

    @app.post("/v1/hazards/{hazard_id}/actions", responses=_ERRORS)
    def act(hazard_id: HazardId, req: ActRequest, who: Staff) -> Response:
        """Append an action to the timeline if the rules allow it now; the hazard as it then is."""
        try:
            action = Action(req.action.replace("-", "_"))
        except ValueError:
            raise Refused(422, "hazard.unknown_action", f"action: unknown action {req.action[:32]!r}; known: "
                          f"{', '.join(a.value for a in Action)}") from None
        now = clock()
        try:
            hazards.act(engine, hazard_id, who, action, now, note=req.note, params=req.params,
                        photos=req.photos, seen=req.seen)
        except hazards.HazardNotFound:
            raise Refused(404, "not_found", f"no hazard {hazard_id} in your territory") from None
        except hazards.NotInTerritory as e:
            raise Refused(403, "hazard.territory", str(e)) from None
        except hazards.UnknownDepartment as e:
            raise Refused(422, "hazard.unknown_department", str(e)) from None
        return _json(hazards.show(engine, hazard_id, who, now).to_dict())


def _state(status: str | None) -> HazardState | None:
    if status is None:
        return None
    try:
        return HazardState(status.upper())
    except ValueError:
        names = ", ".join(s.value for s in HazardState)
        raise Refused(422, "unknown_status", f"status: one of {names}") from None
