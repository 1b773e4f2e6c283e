"""Forms for places: add/edit a building (with its landlord), add/edit a room, and a move-out."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from gridpad.store import views
from gridpad.ui import ops
from gridpad.ui.context import AppContext
from gridpad.ui.form_base import FormPage, parse_number
from gridpad.ui.rule_text import rule_text
from sync.rules.errors import RuleError
from sync.rules.phone import validate_phone


class _NumberMixin(FormPage):
    INTS: tuple[str, ...] = ()
    REALS: tuple[str, ...] = ()

    def numbers_ok(self, values: dict[str, Any]) -> bool:
        ok = True
        wanted = [(n, int, "int") for n in self.INTS] + [(n, float, "real") for n in self.REALS]
        for name, kind, rule in wanted:
            value, good = parse_number(values.get(name) or "", kind)
            if not good:
                self.local_error(name, rule)
                ok = False
            values[name] = value
        return ok

    def _done(self, row_id: str) -> None:
        self.finish_save("building", row_id)


class BuildingForm(_NumberMixin):
    INTS = ("floors_above", "rental_rooms", "max_occupants", "inspection_cycle_days")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.building_id: str | None = None
        self.grid_id = ""
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.add_text("address")
        self.add_text("name")
        self.add_enum("building_type", "building_type")
        for name in self.INTS:
            self.add_text(name)
        self.add_text("landlord_name")
        self.add_text("landlord_phone")

    def title_text(self) -> str:
        return self.tr("Edit building") if self.building_id else self.tr("New building")

    def labels(self) -> dict[str, str]:
        return {"name": self.tr("Building name (optional)")}

    def open_new(self) -> None:
        self.building_id = None
        self.start("building-new", {"form": "building"})
        self.set_values({k: None for k in self.rows} | {"inspection_cycle_days": 30})
        self._landlord_placeholders(editing=False)
        self.retranslate()
        self.ctx.db.call(views.default_grid_id, owner=self, on_done=self._got_grid)
        self.restore_draft()

    def _got_grid(self, grid_id: str | None) -> None:
        self.grid_id = grid_id or ""

    def open_edit(self, building_id: str) -> None:
        self.building_id = building_id
        self.start(f"building-{building_id}", {"form": "building", "building_id": building_id})
        self.retranslate()
        self.ctx.db.call(views.building_detail, building_id, owner=self, on_done=self._loaded)

    def _loaded(self, detail: views.BuildingDetail | None) -> None:
        if detail is None:
            return
        self.grid_id = detail.row.get("grid_id") or ""
        # The landlord's name and phone are shown masked elsewhere; here they are left blank and
        # only overwritten if the user types new ones.
        self.set_values({**detail.row, "landlord_name": None, "landlord_phone": None})
        self._landlord_placeholders(editing=True)
        self.restore_draft()

    def _landlord_placeholders(self, editing: bool) -> None:
        text = self.tr("Unchanged if left empty") if editing else ""
        for name in ("landlord_name", "landlord_phone"):
            editor = self.rows[name].editor
            assert isinstance(editor, QLineEdit)
            editor.setPlaceholderText(text)

    def submit(self) -> None:
        v = self.begin_submit()
        if not self.numbers_ok(v):
            return
        phone = v.pop("landlord_phone") or None
        name = v.pop("landlord_name") or None
        if phone:
            try:
                phone = validate_phone(phone)
            except RuleError as exc:
                e = exc.error
                self.rows["landlord_phone"].set_error(rule_text(e.rule, e.params, e.message))
                return
        fields = {k: val for k, val in v.items() if val not in (None, "") or self.building_id}
        if self.building_id is None:
            fields["grid_id"] = self.grid_id
        landlord = {k: val for k, val in (("name", name), ("phone", phone)) if val}
        self.primary.setEnabled(False)
        self.ctx.db.call(ops.save_building, self.building_id, fields, landlord, owner=self,
                         on_done=self._done, on_error=self.save_failed)


class UnitForm(_NumberMixin):
    INTS = ("floor", "max_occupants")
    REALS = ("area_m2", "monthly_rent")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.unit_id: str | None = None
        self.building_id = ""
        self.grid_id = ""
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.add_text("room_no")
        self.add_text("floor")
        self.add_enum("layout", "layout")
        self.add_text("area_m2")
        self.add_text("max_occupants")
        self.add_text("monthly_rent")

    def title_text(self) -> str:
        return self.tr("Edit room") if self.unit_id else self.tr("New room")

    def open_new(self, building_id: str) -> None:
        self.unit_id = None
        self.building_id = building_id
        self.start(f"unit-new-{building_id}", {"form": "unit", "building_id": building_id})
        self.set_values({k: None for k in self.rows})
        self.retranslate()
        self.ctx.db.call(views.row_for_edit, "building", building_id, owner=self,
                         on_done=lambda r: setattr(self, "grid_id", (r or {}).get("grid_id") or ""))
        self.restore_draft()

    def open_edit(self, unit_id: str) -> None:
        self.unit_id = unit_id
        self.start(f"unit-{unit_id}", {"form": "unit", "unit_id": unit_id})
        self.retranslate()
        self.ctx.db.call(views.row_for_edit, "unit", unit_id, owner=self, on_done=self._loaded)

    def _loaded(self, row: dict[str, Any] | None) -> None:
        if row is None:
            return
        self.building_id = row["building_id"]
        self.set_values(row)
        self.restore_draft()

    def submit(self) -> None:
        v = self.begin_submit()
        if not self.numbers_ok(v):
            return
        fields = {k: val for k, val in v.items() if val not in (None, "") or self.unit_id}
        if self.unit_id is None:
            fields |= {"building_id": self.building_id, "grid_id": self.grid_id}
        self.primary.setEnabled(False)
        self.ctx.db.call(ops.save_row, "unit", self.unit_id, fields, owner=self,
                         on_done=self._done, on_error=self.save_failed)


class MoveOutForm(FormPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.tenancy_id = ""
        self.person_id = ""
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.add_text("move_out_at", "YYYY-MM-DD")
        self.add_enum("move_out_reason", "move_out_reason", blank=False)

    def title_text(self) -> str:
        return self.tr("Move out")

    def primary_text(self) -> str:
        return self.tr("Confirm move-out")

    def open(self, tenancy_id: str, person_id: str) -> None:
        self.tenancy_id = tenancy_id
        self.person_id = person_id
        self.start(f"moveout-{tenancy_id}",
                   {"form": "moveout", "tenancy_id": tenancy_id, "person_id": person_id})
        self.set_values({"move_out_at": self.ctx.today().isoformat(), "move_out_reason": "LEASE_ENDED"})
        self.retranslate()
        self.restore_draft()

    def submit(self) -> None:
        v = self.begin_submit()
        date = v.get("move_out_at") or ""
        try:
            import datetime as dt

            dt.date.fromisoformat(date)
        except ValueError:
            self.local_error("move_out_at", "date")
            return
        self.primary.setEnabled(False)
        self.ctx.db.call(ops.move_out, self.tenancy_id, date, v.get("move_out_reason"), owner=self,
                         on_done=lambda _r: self.finish_save("tenancy", self.person_id),
                         on_error=self.save_failed)
