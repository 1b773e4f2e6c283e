"""One registry spreadsheet row → the records it describes (person, landlord, building, unit,
tenancy), cleaned, normalised and validated with the shared rules.

Every failure is reported as ``<header as written> <field>: <rule message>``, e.g.
``身份证号 id_number: the birth date in the ID number is not a real date``, so the person fixing
the sheet finds the column and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from gridpad.store import validation
from gridpad.transfer import cleaning
from gridpad.transfer.headers import LABELS
from gridpad.transfer.sheets import Sheet
from sync.rules import enums, idnumber
from sync.rules.errors import RuleError

Record = dict[str, Any]
#: Stand-in for ids not known until the write (building_id of a unit, person_id of a tenancy).
_PENDING = "pending"

#: import key → how the cell is read.
_READERS: dict[str, Callable[[object], Any]] = {
    "id_number": cleaning.id_number, "landlord_id_number": cleaning.id_number,
    "phone": cleaning.phone, "landlord_phone": cleaning.phone,
    "birth_date": cleaning.date, "move_in_at": cleaning.date, "lease_signed_at": cleaning.date,
    "move_out_at": cleaning.date, "floor": cleaning.integer, "area_m2": cleaning.number,
    "monthly_rent": cleaning.number,
}

#: (record kind, field) → the import key whose column the value came from.
PERSON_KEYS = {"name": "name", "gender": "gender", "id_type": "id_type", "id_number": "id_number",
               "ethnicity": "ethnicity", "nationality": "nationality", "birth_date": "birth_date",
               "hukou_address": "hukou_address", "phone": "phone", "employer": "employer",
               "occupation": "occupation", "person_type": "person_type"}
LANDLORD_KEYS = {"name": "landlord_name", "phone": "landlord_phone", "id_number": "landlord_id_number"}
BUILDING_KEYS = {"address": "address", "address_code": "address_code", "name": "building_name"}
UNIT_KEYS = {"room_no": "room_no", "floor": "floor", "area_m2": "area_m2", "monthly_rent": "monthly_rent"}
TENANCY_KEYS = {"role": "role", "relation_to_head": "relation_to_head", "move_in_at": "move_in_at",
                "lease_signed_at": "lease_signed_at", "move_out_at": "move_out_at", "note": "note"}

#: Words offices write for relations that GB/T 4761's labels spell differently.
_RELATION_WORDS = {
    "儿子": "20", "女儿": "30", "丈夫": "11", "老公": "11", "妻子": "12", "老婆": "12", "父": "51",
    "母": "52", "爸爸": "51", "妈妈": "52", "哥哥": "71", "弟弟": "73", "姐": "75", "妹": "77",
    "朋友": "99", "同事": "99", "工友": "99", "室友": "99", "租客": "99", "老乡": "99", "亲戚": "97",
    "承租人": "01", "主租": "01", "户主本人": "01",
}
_BIRTH_IN_NUMBER = idnumber.RESIDENT_TYPES | {"HMT_RESIDENCE_PERMIT"}
_GENDER_WORDS = {"男性": "1", "女性": "2", "M": "1", "F": "2"}
_ID_TYPE_WORDS = {"身份证": "RESIDENT_ID", "居民身份证号": "RESIDENT_ID", "二代身份证": "RESIDENT_ID",
                  "护照": "FOREIGN_PASSPORT",
                  "回乡证": "HK_MACAU_TRAVEL_PERMIT", "台胞证": "TW_TRAVEL_PERMIT",
                  "港澳居民居住证": "HMT_RESIDENCE_PERMIT", "台湾居民居住证": "HMT_RESIDENCE_PERMIT"}


@dataclass
class ParsedRow:
    number: int
    cells: list[object]
    person: Record = field(default_factory=dict)
    landlord: Record | None = None
    building: Record = field(default_factory=dict)
    unit: Record | None = None
    tenancy: Record = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


class RowParser:
    """Reads the rows of one sheet for one grid."""

    def __init__(self, sheet: Sheet, grid_id: str) -> None:
        self.grid_id = grid_id
        self.index = {key: i for i, key in sheet.columns.items()}
        self.headers = {key: (sheet.headers[i].strip() or LABELS[key]) for key, i in self.index.items()}
        self._memo: dict[tuple[Any, ...], tuple[Record, list[str]]] = {}

    def header(self, key: str) -> str:
        return self.headers.get(key) or LABELS.get(key, key)

    def parse(self, number: int, cells: list[object]) -> ParsedRow:
        row = ParsedRow(number, cells)
        raw = self._read(cells, row)
        row.person = self._person(raw, PERSON_KEYS, row)
        if any(raw.get(k) for k in LANDLORD_KEYS.values()):
            row.landlord = self._person(raw, LANDLORD_KEYS, row)
        row.building = self._check("building", {"grid_id": self.grid_id, **_pick(raw, BUILDING_KEYS)},
                                   BUILDING_KEYS, row)
        unit = _pick(raw, UNIT_KEYS)
        if unit.get("room_no"):
            unit = self._check("unit", {"grid_id": self.grid_id, "building_id": _PENDING, **unit},
                               UNIT_KEYS, row)
            unit.pop("building_id", None)
            row.unit = unit
        elif unit:  # floor/area without a room: nowhere to put them
            row.errors.append(f"{self.header('room_no')} room_no: is required when 楼层/面积 are given")
        tenancy = _pick(raw, TENANCY_KEYS)
        tenancy = self._tenancy_codes(tenancy)
        tenancy = self._check("tenancy", {"grid_id": self.grid_id, "person_id": _PENDING,
                                          "building_id": _PENDING, **tenancy}, TENANCY_KEYS, row)
        for k in ("person_id", "building_id"):
            tenancy.pop(k, None)
        row.tenancy = tenancy
        return row

    def _read(self, cells: list[object], row: ParsedRow) -> Record:
        raw: Record = {}
        for key, i in self.index.items():
            value = cells[i] if i < len(cells) else None
            reader = _READERS.get(key, cleaning.text)
            try:
                cleaned = reader(value)
            except cleaning.CellError as exc:
                row.errors.append(f"{self.header(key)} {_field_of(key)}: {exc.message}")
                continue
            if cleaned not in ("", None):
                raw[key] = cleaned
        return raw

    def _person(self, raw: Record, keys: dict[str, str], row: ParsedRow) -> Record:
        fields = _pick(raw, keys)
        number = fields.get("id_number")
        if number:
            fields.setdefault("id_type", idnumber.infer_id_type(number))  # 810000…: a residence permit
            fields["id_type"] = _ID_TYPE_WORDS.get(fields["id_type"], fields["id_type"])
            if len(number) == 15 and number.isdigit() and fields["id_type"] in idnumber.RESIDENT_TYPES:
                with suppress(RuleError):  # validation reports it
                    fields["id_number"] = idnumber.convert_15_to_18(number)
        if "gender" in fields:
            fields["gender"] = _GENDER_WORDS.get(fields["gender"].upper(), fields["gender"])
        eth = fields.get("ethnicity")
        if isinstance(eth, str) and not eth.isdigit() and not eth.endswith("族") and eth != "其他":
            fields["ethnicity"] = eth + "族"
        before = len(row.errors)
        record = self._check("person", {"grid_id": self.grid_id, **fields}, keys, row)
        number = record.get("id_number")
        if len(row.errors) == before and isinstance(number, str) and len(number) == 18 \
                and record.get("id_type") in _BIRTH_IN_NUMBER:
            # A valid number carries the birth date and the gender: fill them when not written.
            record.setdefault("birth_date", f"{number[6:10]}-{number[10:12]}-{number[12:14]}")
            record.setdefault("gender", "1" if int(number[16]) % 2 else "2")
        return record

    def _tenancy_codes(self, fields: Record) -> Record:
        rel = fields.get("relation_to_head")
        if isinstance(rel, str):
            rel = _RELATION_WORDS.get(rel, rel)
            with suppress(RuleError):  # validation reports it against the column
                rel = enums.to_code("relation", rel)
            fields["relation_to_head"] = rel
        if "role" not in fields and isinstance(fields.get("relation_to_head"), str):
            head = fields["relation_to_head"] in ("01", "02")
            fields["role"] = "HEAD_TENANT" if head else "CO_RESIDENT"
        return fields

    def _check(self, table: str, fields: Record, keys: dict[str, str], row: ParsedRow) -> Record:
        # Buildings and landlords repeat on many rows: validate each distinct value set once.
        memo_key = (table, tuple(sorted(fields.items())))
        hit = self._memo.get(memo_key)
        if hit is None:
            record, errors = validation.check(table, dict(fields), partial=False)
            messages = []
            for err in errors:
                key = keys.get(err.field)
                header = self.header(key) if key else table
                messages.append(f"{header} {err.message}")
            hit = ({k: v for k, v in record.items() if v is not None}, messages)
            if len(self._memo) < 100_000:
                self._memo[memo_key] = hit
        row.errors.extend(hit[1])
        return dict(hit[0])


def _pick(raw: Record, keys: dict[str, str]) -> Record:
    return {f: raw[k] for f, k in keys.items() if k in raw}


def _field_of(key: str) -> str:
    """The record field an import key fills (``landlord_phone`` fills a person's ``phone``)."""
    for keys in (LANDLORD_KEYS, PERSON_KEYS, BUILDING_KEYS, UNIT_KEYS, TENANCY_KEYS):
        for f, k in keys.items():
            if k == key:
                return f
    return key
