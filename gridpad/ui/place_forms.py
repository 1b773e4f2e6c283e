"""Forms for places: add/edit a building (with its landlord and manager), add/edit a room, and a
move-out."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from gridpad.store import views
from gridpad.ui.context import AppContext
from gridpad.ui.form_base import FormPage, parse_number
from gridpad.ui.widgets import label, tenancy_place
from sync.rules.errors import FieldError, RuleError
from sync.rules.idnumber import infer_id_type, validate_id_number
from sync.rules.phone import validate_phone


class _NumberMixin(FormPage):
    INTS: tuple[str, ...] = ()
    REALS: tuple[str, ...] = ()

    def number_errors(self, values: dict[str, Any]) -> list[FieldError]:
        """The number fields read into ``values``; one failure per field that is not a number."""
        errors = []
        wanted = [(n, int, "int") for n in self.INTS] + [(n, float, "real") for n in self.REALS]
        for name, kind, rule in wanted:
            value, good = parse_number(values.get(name) or "", kind)
            if not good:
                errors.append(self.local_error(name, rule))
            values[name] = value
        return errors

    def all_errors(self, table: str, values: dict[str, Any], own: list[FieldError], *,
                   partial: bool) -> list[FieldError]:
        """The form's own failures and the record rules' on the other fields: all shown at once."""
        mine = {e.field for e in own}
        return own + [e for e in self.record_errors(table, values, partial=partial) if e.field not in mine]

    def _done(self, row_id: str) -> None:
        self.finish_save("building", row_id)


# The building's people (§2.6): the landlord (房东) and the day-to-day manager (管理人/楼长), each a
# person row linked by ``building.<role>_id`` (gridpad.app.buildings.CONTACT_ROLES, which imports
# the store: this module is imported at start-up). Their form fields are ``<role>_<person column>``.
CONTACT_ROLES = ("landlord", "manager")
CONTACT_FIELDS = ("name", "phone", "id_type", "id_number")


class BuildingForm(_NumberMixin):
    INTS = ("floors_above", "rental_rooms", "max_occupants", "inspection_cycle_days")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.building_id: str | None = None
        self.grid_id = ""
        # Roles that already have a person (editing: blank fields leave them unchanged).
        self.has_contact: dict[str, bool] = dict.fromkeys(CONTACT_ROLES, False)
        self.section_titles: dict[str, QLabel] = {}
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.add_text("address")
        self.add_text("name")
        self.add_enum("building_type", "building_type")
        for name in self.INTS:
            self.add_text(name)
        for role in CONTACT_ROLES:
            title = label("", "title", self)
            title.setContentsMargins(0, 12, 0, 0)
            self.section_titles[role] = title
            self.fields.addWidget(title)
            self.add_text(f"{role}_name")
            self.add_text(f"{role}_phone")
            self.add_enum(f"{role}_id_type", "id_type")
            self.add_text(f"{role}_id_number")

    def title_text(self) -> str:
        return self.tr("Edit building") if self.building_id else self.tr("New building")

    def labels(self) -> dict[str, str]:
        return {"name": self.tr("Building name (optional)"),
                "manager_name": self.tr("Manager name"), "manager_phone": self.tr("Manager phone"),
                "landlord_id_type": self.tr("Landlord ID type (optional)"),
                "landlord_id_number": self.tr("Landlord ID number (optional)"),
                "manager_id_type": self.tr("Manager ID type (optional)"),
                "manager_id_number": self.tr("Manager ID number (optional)")}

    def retranslate(self) -> None:
        super().retranslate()
        if self.section_titles:
            self.section_titles["landlord"].setText(self.tr("Landlord"))
            self.section_titles["manager"].setText(self.tr("Manager (building keeper)"))

    def open_new(self) -> None:
        self.building_id = None
        self.has_contact = dict.fromkeys(CONTACT_ROLES, False)
        self.start("building-new", {"form": "building"})
        self.set_values({k: None for k in self.rows} | {"inspection_cycle_days": 30})
        self._contact_placeholders()
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

    def show_section(self, role: str) -> None:
        """Scroll to the landlord's or manager's fields and put the cursor in the name (the
        building card's Edit/Add buttons beside each person)."""
        editor = self.rows[f"{role}_name"].editor
        editor.setFocus()
        # After the page is laid out, or the scroll area does not know where the row is yet.
        QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(self.section_titles[role]))
        QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(self.rows[f"{role}_id_number"]))

    def _loaded(self, detail: views.BuildingDetail | None) -> None:
        if detail is None:
            return
        self.grid_id = detail.row.get("grid_id") or ""
        self.has_contact = {"landlord": detail.landlord is not None, "manager": detail.manager is not None}
        # The people's names, phones and ID numbers are shown masked elsewhere; here they are left
        # blank and only overwritten if the user types new ones.
        blank = {f"{role}_{f}": None for role in CONTACT_ROLES for f in CONTACT_FIELDS}
        self.set_values({**detail.row, **blank})
        self._contact_placeholders()
        self.restore_draft()

    def _contact_placeholders(self) -> None:
        for role in CONTACT_ROLES:
            text = self.tr("Unchanged if left empty") if self.has_contact[role] else ""
            for f in ("name", "phone", "id_number"):
                editor = self.rows[f"{role}_{f}"].editor
                assert isinstance(editor, QLineEdit)
                editor.setPlaceholderText(text)

    def contact_values(self, role: str, v: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
        """The person fields typed for ``role`` (popped from ``v``), checked as the store will:
        phone and ID number by their rules, a name for a new person; failures go to ``errors``."""
        typed = {f: v.pop(f"{role}_{f}") or None for f in CONTACT_FIELDS}
        if typed["phone"]:
            try:
                typed["phone"] = validate_phone(typed["phone"])
            except RuleError as exc:
                errors.append(exc.error.for_field(f"{role}_phone"))
        if typed["id_number"]:
            typed["id_type"] = id_type = str(typed["id_type"] or infer_id_type(typed["id_number"]))
            try:
                typed["id_number"] = validate_id_number(typed["id_number"], id_type,
                                                        today=self.ctx.today()).normalized
            except RuleError as exc:
                errors.append(exc.error.for_field(f"{role}_id_number"))
        elif typed["id_type"] and not self.has_contact[role]:
            typed["id_type"] = None  # a type with no number says nothing about a new person
        fields = {k: val for k, val in typed.items() if val}
        if fields and not typed["name"] and not self.has_contact[role]:
            errors.append(self.local_error(f"{role}_name", "required"))
        return fields

    def submit(self) -> None:
        v = self.begin_submit()
        own = self.number_errors(v)
        contacts = {role: self.contact_values(role, v, own) for role in CONTACT_ROLES}
        errors = self.all_errors("building", v, own, partial=self.building_id is not None)
        if errors:
            self.show_errors(errors)
            return
        fields = {k: val for k, val in v.items() if val not in (None, "") or self.building_id}
        if self.building_id is None:
            fields["grid_id"] = self.grid_id
        from gridpad.app.buildings import save_building

        self.primary.setEnabled(False)
        self.ctx.db.call(save_building, self.building_id, fields, contacts, owner=self,
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
        errors = self.all_errors("unit", v, self.number_errors(v), partial=self.unit_id is not None)
        if errors:
            self.show_errors(errors)
            return
        fields = {k: val for k, val in v.items() if val not in (None, "") or self.unit_id}
        if self.unit_id is None:
            fields |= {"building_id": self.building_id, "grid_id": self.grid_id}
        from gridpad.app.units import save_unit

        self.primary.setEnabled(False)
        self.ctx.db.call(save_unit, self.unit_id, fields, owner=self,
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
        self.set_context("")
        self.retranslate()
        self.restore_draft()
        self.ctx.db.call(views.person_detail, person_id, owner=self,
                         on_done=lambda d: self._show_who(tenancy_id, d))

    def _show_who(self, tenancy_id: str, detail: views.PersonDetail | None) -> None:
        """The header says who leaves which room (the form may have moved on meanwhile)."""
        if detail is None or tenancy_id != self.tenancy_id:
            return
        tenancy = next((t for t in detail.tenancies if t.id == tenancy_id), None)
        place = tenancy_place(tenancy.address, tenancy.room_no) if tenancy else ""
        since = (self.tr("since %1").replace("%1", tenancy.move_in_at)
                 if tenancy and tenancy.move_in_at else "")
        self.set_context(" · ".join(p for p in (detail.name, place, since) if p))

    def submit(self) -> None:
        v = self.begin_submit()
        date = v.get("move_out_at") or ""
        try:
            import datetime as dt

            dt.date.fromisoformat(date)
        except ValueError:
            self.show_errors([self.local_error("move_out_at", "date")])
            return
        from gridpad.app.tenants import move_out

        self.primary.setEnabled(False)
        self.ctx.db.call(move_out, self.tenancy_id, date, v.get("move_out_reason"), owner=self,
                         on_done=lambda _r: self.finish_save("tenancy", self.person_id),
                         on_error=self.save_failed)
