"""Register a tenant (登记住户), door to door: fields in the order the ID card reads; the ID number
validates as it is typed and fills gender and date of birth. An ID number the tablet already holds
leads to that person, as a card: register them here again (moved out) or move them here (they live
elsewhere: the date they leave is asked too), never a second person. The header names the building
and room (or the person edited)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from gridpad.core.masking import mask_name, mask_phone
from gridpad.store import views
from gridpad.ui.context import AppContext
from gridpad.ui.form_base import FormPage
from gridpad.ui.labels import enum_label
from gridpad.ui.rule_text import rule_text
from gridpad.ui.widgets import Card, clear_layout, label, tenancy_place
from sync.rules.errors import RuleError
from sync.rules.idnumber import RESIDENT_TYPES, infer_id_type, validate_id_number
from sync.rules.phone import validate_phone

if TYPE_CHECKING:
    from gridpad.app.tenants import KnownPerson, Registration

DUPLICATE_DEBOUNCE_MS = 250


class TenantForm(FormPage):
    """Signals (besides FormPage's): open_person(str) from the duplicate card's link."""

    open_person = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.building_id = ""
        self.grid_id = ""
        self.person_id: str | None = None
        # Editing a person whose current tenancy has no room: that tenancy (its room is asked).
        self.unplaced: views.TenancyRow | None = None
        self._units: list[views.UnitRow] = []
        self._place = ""  # the building, for the header
        #: The person the typed ID number belongs to, and the one the user chose to register here.
        self.known: KnownPerson | None = None
        self.adopted: KnownPerson | None = None
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
        self.unit.currentIndexChanged.connect(lambda _i: self._update_context())
        self._add("unit_id", self.unit, lambda: self.unit.currentData() or None, self._set_unit)
        self.move_in = self.add_text("move_in_at", "YYYY-MM-DD")
        self.move_out = self.add_text("move_out_at", "YYYY-MM-DD")  # only when moving a known person
        self.rows["move_out_at"].hide()
        self.relation = self.add_enum("relation_to_head", "relation")
        self.id_number.textChanged.connect(self._id_changed)
        self.id_type.currentIndexChanged.connect(lambda _i: self._id_changed(self.id_number.text()))
        self.phone.editingFinished.connect(self._check_phone)
        self.phone.textChanged.connect(self._phone_typed)

    @property
    def editing(self) -> bool:
        """Editing a person's details (no new tenancy), not registering one."""
        return self.person_id is not None

    def title_text(self) -> str:
        return self.tr("Edit resident") if self.editing else self.tr("Register a tenant")

    def labels(self) -> dict[str, str]:
        return {"unit_id": self.tr("Room")}

    def retranslate(self) -> None:
        super().retranslate()
        if self.adopted is not None and self.adopted.homes:
            self.rows["move_out_at"].caption.setText(
                self.tr("Moved out of %1 on").replace("%1", " / ".join(_home(h) for h in self.adopted.homes)))
        self._update_context()

    def _update_context(self) -> None:
        """Header: the building and room registered into, or the person edited."""
        if not hasattr(self, "unit"):
            return  # retranslate() during FormPage's construction
        if self.editing:
            self.set_context(self._place)
            return
        room = self.unit.currentData()
        where = self._place or ""
        if room:
            where = self.tr("%1 · room %2").replace("%1", where).replace("%2", self.unit.currentText())
        elif where:
            where = self.tr("%1 · choose the room below").replace("%1", where)
        if self.adopted is not None:
            where = f"{mask_name(self.adopted.name)} → {where}"
        self.set_context(where)

    # -- opening --------------------------------------------------------------------------------
    def open_new(self, building_id: str, unit_id: str | None = None) -> None:
        self.person_id = None
        self.adopted = None
        self.unplaced = None
        self.building_id = building_id
        self.start(f"tenant-{building_id}", {"form": "tenant", "building_id": building_id, "register": True})
        self._reset()
        self.set_values({"id_type": "RESIDENT_ID", "move_in_at": self.ctx.today().isoformat(),
                         "unit_id": unit_id, "relation_to_head": ""})
        self._load_building(restore=True, unit_id=unit_id)

    def open_edit(self, person_id: str) -> None:
        self.person_id = person_id
        self.adopted = None
        self.unplaced = None
        self.start(f"person-{person_id}", {"form": "person", "person_id": person_id})
        self._reset()
        self.ctx.db.call(views.person_detail, person_id, owner=self, on_done=self._edit_loaded_detail)

    def _edit_loaded_detail(self, detail: views.PersonDetail | None) -> None:
        current = next((t for t in (detail.tenancies if detail else []) if not t.move_out_at), None)
        self.building_id = current.building_id if current else ""
        home = tenancy_place(current.address, current.room_no) if current else ""
        self._place = " · ".join(p for p in (detail.name if detail else "", home) if p)
        self._update_context()
        self.ctx.db.call(views.unplaced_tenancy, self.person_id, owner=self, on_done=self._unplaced_loaded)

    def _unplaced_loaded(self, tenancy: views.TenancyRow | None) -> None:
        """A person living in no room of their building: the form asks the room too (its list
        filled before the draft is restored, so a chosen room comes back)."""
        self.unplaced = tenancy
        if tenancy is None:
            self.ctx.db.call(views.person_for_edit, self.person_id, owner=self, on_done=self._edit_loaded)
            return
        self.building_id = tenancy.building_id

        def got_units(units: list[views.UnitRow]) -> None:
            self._fill_units(units, None)
            self.ctx.db.call(views.person_for_edit, self.person_id, owner=self, on_done=self._edit_loaded)

        self.ctx.db.call(views.units_of_building, tenancy.building_id, owner=self, on_done=got_units)

    def _edit_loaded(self, row: dict[str, Any] | None) -> None:
        if row is None:
            return
        self.grid_id = row.get("grid_id") or ""
        self.set_values(row)
        self.restore_draft()
        self._id_changed(self.id_number.text())
        self.rows["unit_id"].setVisible(self.unplaced is not None)
        self.rows["unit_id"].set_hint(self.tr("No room recorded: choose the room they live in")
                                      if self.unplaced is not None else None)
        if self.unplaced is not None:  # what is missing, in view (below the fold on a landscape tablet)
            self.unit.setFocus()
            QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(self.rows["unit_id"]))
        self.rows["move_in_at"].setVisible(False)
        self.rows["relation_to_head"].setVisible(False)
        self.rows["move_out_at"].setVisible(False)

    def _reset(self) -> None:
        self.clear_errors()
        for row in self.rows.values():
            row.set_hint(None)
            row.setVisible(True)
        self.set_values({k: None for k in self.rows})
        self.rows["move_out_at"].setVisible(False)
        self.phone.setPlaceholderText("")
        self.known = None
        self._place = ""
        self.duplicate_card.hide()
        self.retranslate()

    def _load_building(self, restore: bool, unit_id: str | None) -> None:
        def got_units(units: list[views.UnitRow]) -> None:
            self._fill_units(units, unit_id)
            if restore:
                self.restore_draft()
                self._id_changed(self.id_number.text())

        def got_building(row: dict[str, Any] | None) -> None:
            self.grid_id = (row or {}).get("grid_id") or ""
            found = row or {}
            self._place = _place(f"{found.get('name') or ''} {found.get('address') or ''}".strip())
            self._update_context()

        self.ctx.db.call(views.row_for_edit, "building", self.building_id, owner=self, on_done=got_building)
        self.ctx.db.call(views.units_of_building, self.building_id, owner=self, on_done=got_units)

    def _fill_units(self, units: list[views.UnitRow], unit_id: str | None) -> None:
        self._units = units
        with_blank = [("", "—")] + [(u.id, u.room_no) for u in units]
        self.unit.blockSignals(True)
        self.unit.clear()
        for uid, text in with_blank:
            self.unit.addItem(text, uid)
        self.unit.blockSignals(False)
        self.set_values({"unit_id": unit_id})  # filling the list is not an edit: no draft

    def _set_unit(self, unit_id: Any) -> None:
        i = self.unit.findData(unit_id or "")
        self.unit.setCurrentIndex(max(i, 0))

    # -- live validation ------------------------------------------------------------------------
    def _id_changed(self, text: str) -> None:
        row = self.rows["id_number"]
        value = text.strip()
        id_type = self.id_type.currentData() or "RESIDENT_ID"
        if id_type == "RESIDENT_ID" and infer_id_type(value) != id_type:
            # An 81/82/83 number is a HK/Macau/Taiwan residence permit: say so rather than refuse it.
            # re-enters here through currentIndexChanged
            self.id_type.setCurrentIndex(self.id_type.findData(infer_id_type(value)))
            return
        self.id_number.setMaxLength(18 if id_type in RESIDENT_TYPES else 64)
        self._dup_generation += 1  # a lookup under way is for the number as it was
        self.known = None
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
        if self.adopted is not None and info.normalized != self._pending_number:
            self._drop_adoption()
        self._pending_number = info.normalized
        self._dup_timer.start()

    def _check_duplicates(self) -> None:
        self._dup_generation += 1
        generation = self._dup_generation
        from gridpad.app.tenants import known_person

        exclude = self.person_id if self.editing else None
        self.ctx.db.call(known_person, self._pending_number, exclude, owner=self,
                         on_done=lambda found: self._show_known(generation, found))

    def _show_known(self, generation: int, known: KnownPerson | None) -> None:
        """The person this number belongs to, as a card: register them here again (they moved
        out) or move them here (they live elsewhere), never a second person."""
        if generation != self._dup_generation:
            return
        self.known = known
        clear_layout(self.duplicate_card.body)
        if known is None:
            self.duplicate_card.hide()
            return
        who = mask_name(known.name)
        adopted = self.adopted is not None and self.adopted.person_id == known.person_id
        if known.homes:
            where = " / ".join(_home(h) for h in known.homes)
            text = (self.tr("Moving %1 here from %2.") if adopted
                    else self.tr("⚠ This ID number is already registered: %1 lives at %2.")).replace(
                "%1", who).replace("%2", where)
            action = self.tr("Move them here")
        elif known.last is not None:
            text = (self.tr("Registering %1 again: their details are filled in.") if adopted
                    else self.tr("⚠ This ID number belongs to %1, who moved out of %2 on %3.")).replace(
                "%1", who).replace("%2", _home(known.last)).replace("%3", known.last.move_out_at or "?")
            action = self.tr("Register them here")
        else:
            text = (self.tr("Registering %1 again: their details are filled in.") if adopted
                    else self.tr("⚠ This ID number belongs to %1, who has no home recorded.")
                    ).replace("%1", who)
            action = self.tr("Register them here")
        line = QHBoxLayout()
        line.addWidget(label(text, None, wrap=True), 1)
        if not self.editing and not adopted:
            use = QPushButton(action)
            use.setObjectName("adopt")
            use.clicked.connect(lambda _=False, k=known: self.adopt(k))
            line.addWidget(use)
        link = QPushButton(self.tr("View"))
        link.setObjectName("link")
        link.clicked.connect(lambda _=False, p=known.person_id: self.open_person.emit(p))
        line.addWidget(link)
        self.duplicate_card.body.addLayout(line)
        self.duplicate_card.show()

    def adopt(self, known: KnownPerson) -> None:
        """Register the known person here: their details prefilled (the phone kept unless a new
        one is typed); when they live elsewhere, the date they leave it is asked here too."""
        self.adopted = known
        typed_phone = self.phone.text()
        self.set_values({k: v for k, v in known.fields.items() if k in self.rows and k != "id_type"})
        self.changed()
        self.phone.setPlaceholderText(self.tr("%1 (unchanged if left empty)").replace(
            "%1", mask_phone(known.phone)) if known.phone and not typed_phone else "")
        moving = bool(known.homes)
        self.rows["move_out_at"].setVisible(moving)
        if moving:
            self.rows["move_out_at"].caption.setText(
                self.tr("Moved out of %1 on").replace("%1", " / ".join(_home(h) for h in known.homes)))
            if not self.move_out.text():
                self.move_out.setText(self.move_in.text() or self.ctx.today().isoformat())
        self._show_known(self._dup_generation, known)
        self._update_context()

    def _drop_adoption(self) -> None:
        if self.adopted is None:
            return
        self.adopted = None
        self.phone.setPlaceholderText("")
        self.rows["move_out_at"].setVisible(False)
        self._update_context()

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
        """Every field is judged by gridpad.app (the record rules, a room, a known ID number), and
        every failure comes back at once, under its field."""
        v = self.begin_submit()
        person = {k: v[k] for k in ("id_type", "id_number", "gender", "birth_date", "name", "ethnicity",
                                    "hukou_address", "phone", "employer")}
        person = {k: val for k, val in person.items() if val not in (None, "")}
        tenancy: dict[str, Any] = {}
        person_id = self.person_id
        move_out_at = None
        room = None
        if self.editing and self.unplaced is not None and v.get("unit_id"):
            room = (self.unplaced.id, str(v["unit_id"]))
        if not self.editing:
            relation = v.get("relation_to_head")
            tenancy = {"building_id": self.building_id, "unit_id": v.get("unit_id"),
                       "move_in_at": v.get("move_in_at") or self.ctx.today().isoformat(),
                       "relation_to_head": relation, "grid_id": self.grid_id,
                       "role": "HEAD_TENANT" if relation in (None, "", "01", "02") else "CO_RESIDENT",
                       "reported_at": self.ctx.today().isoformat()}
            tenancy = {k: val for k, val in tenancy.items() if val not in (None, "")}
            if self.adopted is not None:
                person_id = self.adopted.person_id
                move_out_at = (v.get("move_out_at") or None) if self.adopted.homes else None
            else:
                person["grid_id"] = self.grid_id
        from gridpad.app.tenants import register_tenant

        self.primary.setEnabled(False)
        save = partial(register_tenant, move_out_at=move_out_at, room=room)
        self.ctx.db.call(save, person_id, person, tenancy, owner=self,
                         on_done=lambda saved: self.finish_save("person", saved.person_id),
                         on_error=self.save_failed)


def _home(reg: Registration) -> str:
    return tenancy_place(_place(reg.address or ""), reg.room_no)


def _place(address: str) -> str:
    """The place once: people.find_by_id_number gives "name address", and the address often ends
    with the name ("宿舍楼B栋 东莞市…宿舍楼B栋")."""
    name, _, rest = address.partition(" ")
    return rest if name and name in rest else address
