"""Register a tenant (登记住户), door to door: fields in the order the ID card reads; the ID number
validates as it is typed and fills gender and date of birth; a duplicate registration elsewhere
in the grid shows as a warning card with a link."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from gridpad.store import views
from gridpad.ui.context import AppContext
from gridpad.ui.form_base import FormPage
from gridpad.ui.labels import enum_label
from gridpad.ui.rule_text import rule_text
from gridpad.ui.widgets import Card, clear_layout, label
from sync.rules.errors import RuleError
from sync.rules.idnumber import RESIDENT_TYPES, validate_id_number
from sync.rules.phone import validate_phone

if TYPE_CHECKING:
    from gridpad.app.tenants import Registration

DUPLICATE_DEBOUNCE_MS = 250


class TenantForm(FormPage):
    """Signals (besides FormPage's): open_person(str) from the duplicate card's link."""

    open_person = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.building_id = ""
        self.grid_id = ""
        self.person_id: str | None = None
        self._units: list[views.UnitRow] = []
        self._duplicates: list[Registration] = []
        self._dup_generation = 0
        self._pending_number = ""
        super().__init__(ctx, parent)
        self._dup_timer = QTimer(self)
        self._dup_timer.setSingleShot(True)
        self._dup_timer.setInterval(DUPLICATE_DEBOUNCE_MS)
        self._dup_timer.timeout.connect(self._check_duplicates)

    # -- layout ---------------------------------------------------------------------------------
    def build(self) -> None:
        self.id_type = self.add_enum("id_type", "id_type", blank=False)
        self.id_number = self.add_text("id_number")
        self.duplicate_card = Card(self, name="warningCard")
        self.duplicate_card.hide()
        self.fields.addWidget(self.duplicate_card)
        self.gender = self.add_choice("gender", "gender", ("1", "2"))
        self.birth_date = self.add_text("birth_date", "YYYY-MM-DD")
        self.name = self.add_text("name")
        self.ethnicity = self.add_enum("ethnicity", "ethnicity")
        self.hukou = self.add_text("hukou_address")
        self.phone = self.add_text("phone")
        self.employer = self.add_text("employer")
        self.unit = QComboBox(self)
        self.unit.setObjectName("field_unit_id")
        self.unit.currentIndexChanged.connect(self.changed)
        self._add("unit_id", self.unit, lambda: self.unit.currentData() or None, self._set_unit)
        self.move_in = self.add_text("move_in_at", "YYYY-MM-DD")
        self.relation = self.add_enum("relation_to_head", "relation")
        self.id_number.textChanged.connect(self._id_changed)
        self.id_type.currentIndexChanged.connect(lambda _i: self._id_changed(self.id_number.text()))
        self.phone.editingFinished.connect(self._check_phone)
        self.phone.textChanged.connect(self._phone_typed)

    def title_text(self) -> str:
        return self.tr("Edit resident") if self.person_id and not self.draft_meta.get("register") \
            else self.tr("Register a tenant")

    def labels(self) -> dict[str, str]:
        return {"unit_id": self.tr("Room")}

    # -- opening --------------------------------------------------------------------------------
    def open_new(self, building_id: str, unit_id: str | None = None) -> None:
        self.person_id = None
        self.building_id = building_id
        self.start(f"tenant-{building_id}", {"form": "tenant", "building_id": building_id, "register": True})
        self._reset()
        self.set_values({"id_type": "RESIDENT_ID", "move_in_at": self.ctx.today().isoformat(),
                         "unit_id": unit_id, "relation_to_head": ""})
        self._load_building(restore=True, unit_id=unit_id)

    def open_edit(self, person_id: str) -> None:
        self.person_id = person_id
        self.start(f"person-{person_id}", {"form": "person", "person_id": person_id})
        self._reset()
        self.ctx.db.call(views.person_detail, person_id, owner=self, on_done=self._edit_loaded_detail)

    def _edit_loaded_detail(self, detail: views.PersonDetail | None) -> None:
        current = next((t for t in (detail.tenancies if detail else []) if not t.move_out_at), None)
        self.building_id = current.building_id if current else ""
        self.ctx.db.call(views.person_for_edit, self.person_id, owner=self, on_done=self._edit_loaded)

    def _edit_loaded(self, row: dict[str, Any] | None) -> None:
        if row is None:
            return
        self.grid_id = row.get("grid_id") or ""
        self.set_values(row)
        self.restore_draft()
        self._id_changed(self.id_number.text())
        self.rows["unit_id"].setVisible(False)
        self.rows["move_in_at"].setVisible(False)
        self.rows["relation_to_head"].setVisible(False)

    def _reset(self) -> None:
        self.clear_errors()
        for row in self.rows.values():
            row.set_hint(None)
            row.setVisible(True)
        self.set_values({k: None for k in self.rows})
        self.duplicate_card.hide()
        self.retranslate()

    def _load_building(self, restore: bool, unit_id: str | None) -> None:
        def got_units(units: list[views.UnitRow]) -> None:
            self._units = units
            with_blank = [("", "—")] + [(u.id, u.room_no) for u in units]
            self.unit.blockSignals(True)
            self.unit.clear()
            for uid, text in with_blank:
                self.unit.addItem(text, uid)
            self.unit.blockSignals(False)
            self._set_unit(unit_id)
            if restore:
                self.restore_draft()
                self._id_changed(self.id_number.text())

        def got_building(row: dict[str, Any] | None) -> None:
            self.grid_id = (row or {}).get("grid_id") or ""

        self.ctx.db.call(views.row_for_edit, "building", self.building_id, owner=self, on_done=got_building)
        self.ctx.db.call(views.units_of_building, self.building_id, owner=self, on_done=got_units)

    def _set_unit(self, unit_id: Any) -> None:
        i = self.unit.findData(unit_id or "")
        self.unit.setCurrentIndex(max(i, 0))

    # -- live validation ------------------------------------------------------------------------
    def _id_changed(self, text: str) -> None:
        row = self.rows["id_number"]
        value = text.strip()
        id_type = self.id_type.currentData() or "RESIDENT_ID"
        self.id_number.setMaxLength(18 if id_type in RESIDENT_TYPES else 64)
        self._duplicates = []
        self.duplicate_card.hide()
        if not value:
            row.set_error(None)
            row.set_hint(None)
            return
        complete = id_type not in RESIDENT_TYPES or len(value) >= 18
        try:
            info = validate_id_number(value, id_type, today=self.ctx.today())
        except RuleError as exc:
            e = exc.error
            if complete or e.rule not in ("id_number.length",):
                row.set_error(rule_text(e.rule, e.params, e.message))
            else:
                row.set_error(None)
            row.set_hint(None if complete else self.tr("%n more character(s)", "", 18 - len(value)))
            return
        row.set_error(None)
        facts = []
        if info.gender:
            self.gender.set_value(info.gender)
            facts.append(enum_label("gender", info.gender))
        if info.birth_date:
            self.birth_date.setText(info.birth_date.isoformat())
            facts.append(info.birth_date.isoformat())
        if info.area_name:
            facts.append(info.area_name)
        row.set_hint("✓ " + " · ".join(facts) if facts else "✓")
        self._pending_number = info.normalized
        self._dup_timer.start()

    def _check_duplicates(self) -> None:
        self._dup_generation += 1
        generation = self._dup_generation
        from gridpad.app.tenants import where_registered

        self.ctx.db.call(where_registered, self._pending_number, self.person_id, owner=self,
                         on_done=lambda found: self._show_duplicates(generation, found))

    def _show_duplicates(self, generation: int, found: list[Registration]) -> None:
        if generation != self._dup_generation:
            return
        self._duplicates = found
        clear_layout(self.duplicate_card.body)
        if not found:
            self.duplicate_card.hide()
            return
        for reg in found[:3]:
            where = _place(reg.address or "") + (f" {reg.room_no}" if reg.room_no else "")
            line = QHBoxLayout()
            text = label(self.tr("⚠ This ID number is already registered at %1").replace("%1", where),
                         None, wrap=True)
            line.addWidget(text, 1)
            link = QPushButton(self.tr("View"))
            link.setObjectName("link")
            link.clicked.connect(lambda _=False, p=reg.person_id: self.open_person.emit(p))
            line.addWidget(link)
            self.duplicate_card.body.addLayout(line)
        self.duplicate_card.show()

    def _phone_typed(self, text: str) -> None:
        if len(text.strip()) >= 11:
            self._check_phone()
        else:
            self.rows["phone"].set_error(None)

    def _check_phone(self) -> bool:
        value = self.phone.text().strip()
        if not value:
            self.rows["phone"].set_error(None)
            return True
        try:
            validate_phone(value)
        except RuleError as exc:
            self.rows["phone"].set_error(rule_text(exc.error.rule, exc.error.params, exc.error.message))
            return False
        self.rows["phone"].set_error(None)
        return True

    # -- saving ---------------------------------------------------------------------------------
    def submit(self) -> None:
        v = self.begin_submit()
        person = {k: v[k] for k in ("id_type", "id_number", "gender", "birth_date", "name", "ethnicity",
                                    "hukou_address", "phone", "employer")}
        if person["id_number"]:
            try:
                info = validate_id_number(person["id_number"], person["id_type"] or "RESIDENT_ID",
                                          today=self.ctx.today())
                person["id_number"] = info.normalized
            except RuleError as exc:
                self.show_errors([exc.error])
                return
        if person["phone"]:
            try:
                person["phone"] = validate_phone(person["phone"])
            except RuleError as exc:
                self.show_errors([exc.error])
                return
        person = {k: val for k, val in person.items() if val not in (None, "")}
        tenancy: dict[str, Any] = {}
        if self.person_id is None:
            person["grid_id"] = self.grid_id
            relation = v.get("relation_to_head")
            tenancy = {"building_id": self.building_id, "unit_id": v.get("unit_id"),
                       "move_in_at": v.get("move_in_at") or dt.date.today().isoformat(),
                       "relation_to_head": relation, "grid_id": self.grid_id,
                       "role": "HEAD_TENANT" if relation in (None, "", "01", "02") else "CO_RESIDENT",
                       "reported_at": self.ctx.today().isoformat()}
            tenancy = {k: val for k, val in tenancy.items() if val not in (None, "")}
        from gridpad.app.tenants import register_tenant

        self.primary.setEnabled(False)
        self.ctx.db.call(register_tenant, self.person_id, person, tenancy, owner=self,
                         on_done=lambda saved: self.finish_save("person", saved.person_id),
                         on_error=self.save_failed)


def _place(address: str) -> str:
    """The place once: people.find_by_id_number gives "name address", and the address often ends
    with the name ("宿舍楼B栋 东莞市…宿舍楼B栋")."""
    name, _, rest = address.partition(" ")
    return rest if name and name in rest else address
