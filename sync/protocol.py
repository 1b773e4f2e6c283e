"""Wire messages of the sync protocol (version 1) and what both sides compute identically.

Values on the wire are the device's storage form: booleans ``0``/``1``, dates ISO text, ``json``
columns JSON *text*. :func:`normalise_value` turns any accepted form into that one, so the
server stores, serves and checksums exactly what the device holds.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from sync.rules.values import ID_PATTERN, parse_json
from sync.schema import DELETED, ID_MAX, TABLES, ColumnType

PROTOCOL_VERSION = 1
MAX_BATCH = 500
MAX_PULL_LIMIT = 5000
DEFAULT_PULL_LIMIT = 1000
_INT_MAX = 2**63 - 1

#: The id rule of :mod:`sync.rules.values` (the device checks ids with the same definition).
Id = Annotated[str, Field(min_length=1, max_length=ID_MAX, pattern=ID_PATTERN)]
Seq = Annotated[int, Field(ge=0, le=_INT_MAX)]
TableName = Annotated[str, Field(min_length=1, max_length=32)]


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Change(_Msg):
    change_id: Annotated[int, Field(ge=1, le=_INT_MAX)]
    table: TableName
    row_id: Id
    op: Literal["insert", "update", "delete"]
    #: Changed columns with their new values; ``_deleted`` travels as a field.
    fields: dict[str, JsonValue]
    #: The row's server_seq the device had when it edited (0 for an insert).
    base_seq: Seq = 0
    hlc: Seq
    #: Ignored: only the server assigns server_seq (accepted so a device sending it is not refused).
    server_seq: Seq | None = Field(default=None, exclude=True)


class PushRequest(_Msg):
    device_id: Id
    protocol: int = PROTOCOL_VERSION
    changes: Annotated[list[Change], Field(max_length=MAX_BATCH)]
    #: Outbox rows and photos still waiting on the device (fleet health), optional.
    backlog: Annotated[int, Field(ge=0, le=_INT_MAX)] | None = None
    photo_backlog: Annotated[int, Field(ge=0, le=_INT_MAX)] | None = None


class PushResponse(_Msg):
    #: change_ids the server holds (applied now or earlier): the device may delete them.
    receipt: list[int]
    applied: int
    conflicts: int
    server_time_ms: int


class RowImage(_Msg):
    table: str
    id: str
    server_seq: int
    deleted: bool
    #: Every column of the table (``None`` where unset), storage form.
    fields: dict[str, JsonValue]


class PullQuery(_Msg):
    """The query string of ``GET /v1/pull``."""
    since: Seq = 0
    limit: Annotated[int, Field(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT
    #: Only this table (a re-download after a checksum mismatch).
    table: TableName | None = None


class PullResponse(_Msg):
    rows: list[RowImage]
    #: Pass as ``since`` next time (the last row's server_seq, or ``since`` when nothing came).
    next_cursor: int
    more: bool
    #: The device's grids now (sorted): when they differ from what it holds, it pulls again from 0
    #: (rows of an added grid sit behind its cursor) and removes the rows of a dropped grid.
    grids: list[str] | None = None


class TableChecksum(_Msg):
    count: int
    checksum: str


class Checksums(_Msg):
    tables: dict[str, TableChecksum]


#: Base64 of a raw 32-byte Ed25519 public key (44 characters).
PublicKey = Annotated[str, Field(min_length=44, max_length=44, pattern=r"^[A-Za-z0-9+/]{43}=$")]
#: A random nonce, base64url without padding (16 to 64 characters).
Nonce = Annotated[str, Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class EnrollRequest(_Msg):
    code: Annotated[str, Field(min_length=1, max_length=64)]
    #: The device's Ed25519 public key; its private half never leaves the device's keyring.
    public_key: PublicKey
    #: The device may propose its own id (its store's device id); otherwise the server makes one.
    device_id: Id | None = None
    device_name: Annotated[str, Field(max_length=100)] | None = None


class EnrollResponse(_Msg):
    device_id: str
    user: str
    role: Literal["manager", "supervisor"]
    grids: list[str]
    #: key_id -> base64 raw Ed25519 public key, for verifying door plates offline.
    plate_public_keys: dict[str, str]
    #: The server's identity key (base64 raw Ed25519), pinned by the device: a wipe order must be
    #: signed with it (:func:`wipe_message`).
    server_key: PublicKey
    protocol: int = PROTOCOL_VERSION


class ChallengeRequest(_Msg):
    device_id: Id
    #: The device's own nonce: a revoked device's answer signs it, so a wipe order cannot be replayed.
    device_nonce: Nonce


class ChallengeResponse(_Msg):
    nonce: Nonce
    expires_at_ms: int


class TokenRequest(_Msg):
    """Proof of the device key: an Ed25519 signature of :func:`token_message` (base64)."""
    device_id: Id
    nonce: Nonce
    signature: Annotated[str, Field(min_length=88, max_length=88)]


def token_message(device_id: str, nonce: str) -> bytes:
    """What a device signs to get a token for a server-issued, single-use challenge ``nonce``."""
    return f"gridpad-token-v1\n{device_id}\n{nonce}".encode()


def wipe_message(device_id: str, device_nonce: str) -> bytes:
    """What the server signs with its identity key to order ``device_id`` to wipe itself."""
    return f"gridpad-wipe-v1\n{device_id}\nwipe\n{device_nonce}".encode()


class TokenResponse(_Msg):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    expires_at_ms: int


class Me(_Msg):
    device_id: str
    user: str
    role: Literal["manager", "supervisor"]
    grids: list[str]
    revoked: bool
    plate_public_keys: dict[str, str]


class ConflictAuthor(_Msg):
    device_id: str
    hlc: int
    #: The user the device is enrolled for (who to ask about the value). Absent from an older
    #: server, and None when the write was not a device's (the server's own normalisation).
    user: str | None = None


class Conflict(_Msg):
    id: int
    table: str
    row_id: str
    grid_id: str
    #: ``field``: two concurrent writes of one column; ``delete``: an edit raced a delete.
    kind: Literal["field", "delete"]
    field: str
    kept_value: JsonValue
    lost_value: JsonValue
    kept: ConflictAuthor
    lost: ConflictAuthor
    server_seq: int
    resolved: bool
    resolution: str | None = None


class ConflictList(_Msg):
    conflicts: list[Conflict]


class RuleBreach(_Msg):
    """A stored row that breaks a shared rule (stored before the server judged whole rows)."""
    table: str
    id: str
    field: str
    rule: str


class RuleBreachList(_Msg):
    """``GET /v1/rule-breaches``: such rows of the device's grids (at most 1000), for correction."""
    breaches: list[RuleBreach]


class ResolveRequest(_Msg):
    #: ``kept``: the stored value stays; ``lost``: the losing value is written as a new edit.
    choice: Literal["kept", "lost"]


class PlatesRequest(_Msg):
    building_ids: Annotated[list[Id], Field(min_length=1, max_length=1000)]


class Plate(_Msg):
    building_id: str
    payload: str
    address: str | None
    name: str | None


class PlatesResponse(_Msg):
    plates: list[Plate]


class PhotoStatus(_Msg):
    sha256: str
    received: int
    size: int | None
    complete: bool


class Problem(_Msg):
    """One reason a request was refused (field-level when ``field`` is set)."""
    change_id: int | None = None
    field: str | None = None
    rule: str
    message: str


class ErrorBody(_Msg):
    error: str
    reason: str
    problems: list[Problem] = []
    wipe: bool = False
    #: With ``wipe`` from ``POST /v1/challenge``: base64 signature of :func:`wipe_message` over the
    #: device's nonce, by the server's identity key. A device wipes only when it verifies.
    wipe_proof: str | None = None
    #: ``clock_ahead``: the server's clock (ms), so a device whose clock is right again can
    #: re-stamp its unsent changes (docs/clocks.md).
    server_time_ms: int | None = None
    #: ``change_id_reused``: the lowest change id above every one the server holds from this
    #: device, where the device re-keys its unsent changes (docs/clocks.md).
    next_change_id: int | None = None


#: Device bookkeeping a change may carry in ``fields``; the server drops it (it owns server_seq).
IGNORED_FIELDS = frozenset({"_server_seq", "server_seq"})


# --- values ------------------------------------------------------------------------------------

class BadValueError(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def _no_nul(value: object) -> None:
    # PostgreSQL text cannot hold NUL; refuse it everywhere so both backends behave alike.
    if isinstance(value, str):
        if "\x00" in value:
            raise BadValueError("text", "contains a NUL character")
    elif isinstance(value, dict):
        for k, v in value.items():
            _no_nul(k)
            _no_nul(v)
    elif isinstance(value, list):
        for v in value:
            _no_nul(v)
    elif isinstance(value, float) and not math.isfinite(value):
        raise BadValueError("number", "is not a finite number")


def normalise_value(column_type: ColumnType, value: Any) -> Any:
    """The storage form of ``value`` for a column of ``column_type``; ``BadValueError`` if it has none."""
    if value is None:
        return None
    _no_nul(value)
    if column_type == "bool":
        if value in (0, 1) and not isinstance(value, float):
            return int(value)
        raise BadValueError("bool", "must be 0 or 1 (or true/false)")
    if column_type == "int":
        if isinstance(value, int) and not isinstance(value, bool) and -_INT_MAX <= value <= _INT_MAX:
            return value
        raise BadValueError("int", "must be a whole number")
    if column_type == "real":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e300:
            return float(value)
        raise BadValueError("real", "must be a number")
    if column_type == "json":
        if isinstance(value, str):
            try:
                value = parse_json(value)
            except ValueError:
                raise BadValueError("json", "is not valid JSON text") from None
            _no_nul(value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, str):
        return value
    raise BadValueError(column_type, "must be text")


def normalise_fields(table: str, fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Storage form of a change's fields, with a problem per unknown column or wrongly typed value."""
    spec = TABLES[table]
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in fields.items():
        if name in IGNORED_FIELDS:
            continue
        try:
            if name == DELETED:
                out[name] = normalise_value("bool", value)
                if out[name] is None:
                    raise BadValueError("bool", "must be 0 or 1")
            elif name in spec.column_names:
                out[name] = normalise_value(spec.column(name).type, value)
            else:
                problems.append(Problem(field=name[:64], rule="unknown_column",
                                        message=f"{table} has no column {name[:64]!r}"))
        except BadValueError as e:
            problems.append(Problem(field=name, rule=e.rule, message=f"{table}.{name} {e}"))
    return out, problems


# --- checksums ---------------------------------------------------------------------------------

_MOD = 1 << 256
#: Column types whose every value ``normalise_value`` returns unchanged (or refuses, and a refused
#: value is compared as it is): the digest skips the call for them (most columns of every table).
_AS_IS: frozenset[ColumnType] = frozenset({"text", "date", "int"})
#: One encoder, made once: ``json.dumps`` with options builds a new one per call (~30 % of a digest).
_CANON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@functools.cache
def _digest_plan(table: str) -> tuple[tuple[int, str, ColumnType | None], ...]:
    """(position in ``column_names``, name, type to normalise or None) per column of ``table``."""
    spec = TABLES[table]
    return tuple((i, c.name, None if c.type in _AS_IS else c.type) for i, c in enumerate(spec.columns))


def row_values_digest(table: str, row_id: str, deleted: bool, values: Sequence[Any]) -> int:
    """SHA-256 (as an int) of the canonical JSON of one row, given as its values in
    ``TABLES[table].column_names`` order: set columns only, storage form."""
    canon: dict[str, Any] = {}
    for i, name, ctype in _digest_plan(table):
        value = values[i]
        if value is None:
            continue
        if ctype is not None:
            with contextlib.suppress(BadValueError):  # refused: still compare it as it is
                value = normalise_value(ctype, value)
        canon[name] = value
    text = _CANON.encode([table, row_id, 1 if deleted else 0, canon])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def table_checksum(table: str, rows: Iterable[tuple[str, bool, Mapping[str, Any]]]) -> TableChecksum:
    """Count and order-independent checksum (sum of row digests mod 2**256) of ``(id, deleted, fields)``."""
    names = TABLES[table].column_names
    return table_checksum_values(table, ((row_id, deleted, [fields.get(n) for n in names])
                                         for row_id, deleted, fields in rows))


def table_checksum_values(table: str, rows: Iterable[tuple[str, Any, Sequence[Any]]]) -> TableChecksum:
    """:func:`table_checksum` of ``(id, deleted, values in column_names order)``: no dict per row."""
    count = 0
    total = 0
    for row_id, deleted, values in rows:
        count += 1
        total += row_values_digest(table, row_id, bool(deleted), values)
    return TableChecksum(count=count, checksum=f"{total % _MOD:064x}")
