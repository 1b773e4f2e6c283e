"""Exporting the registry: jsonl (the contract), a folder or zip of CSV files, or an xlsx workbook.

jsonl: one record per line, sorted by table then id, ``{"table", "id", "fields"}``, fields being
the schema's columns (``grid_id`` included, bookkeeping left out), keys sorted, non-ASCII kept.
Tombstoned rows are left out. ID numbers and phones are written in clear: that is what an export
is for; nothing here logs them.

jsonl is exact. The spreadsheet formats are for people: a text cell that a spreadsheet would run as
a formula (``=HYPERLINK(…)``, ``+``, ``-``, ``@``, tab, CR first) gets a leading ``'``, and in xlsx
control characters are written out as ``<ESC>`` (the file format cannot hold them). The CSV files
import back as they are (:mod:`gridpad.transfer.table_files`), the guard undone.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from gridpad.core.visible_text import escape_invisible
from gridpad.store import repo
from gridpad.store.db import Store
from gridpad.transfer.formula_guard import guard
from gridpad.transfer.values import file_fields
from sync.schema import TABLES, Table

#: Chinese column labels for the spreadsheet-style exports (column name when not listed).
LABELS: dict[str, str] = {
    "id": "编号", "grid_id": "所属网格", "is_demo": "演示数据", "code": "代码", "name": "名称",
    "village_code": "村(社区)代码", "village_name": "村(社区)", "town_code": "镇街代码",
    "town_name": "镇街", "address": "标准地址", "address_code": "标准地址编码", "road": "街路巷",
    "door_no": "门牌号", "building_type": "房屋类型", "structure": "建筑结构",
    "floors_above": "地上层数", "floors_below": "地下层数", "built_year": "建成年份",
    "land_type": "土地性质", "rental_rooms": "出租间数", "rental_beds": "床位数",
    "max_occupants": "核定人数", "rent_use": "出租用途", "landlord_id": "房东编号",
    "manager_id": "管理人编号", "lessor_type": "出租人类型", "lease_record_no": "租赁备案证号",
    "security_pledge_signed": "治安责任保证书", "security_pledge_date": "保证书日期",
    "fire_facilities": "消防设施", "access_control": "门禁", "cctv": "视频监控",
    "gas_supply": "燃气", "risk_level": "隐患程度", "inspection_cycle_days": "巡查周期(天)",
    "last_inspected_at": "最近巡查", "status": "状态", "regulated": "列管", "exclusion_reason": "不列管原因",
    "lat": "纬度", "lng": "经度", "building_id": "楼栋编号", "room_no": "房号", "floor": "楼层",
    "area_m2": "面积(㎡)", "layout": "户型", "use_type": "使用用途", "monthly_rent": "月租金",
    "is_partitioned": "分隔搭建", "gender": "性别", "birth_date": "出生日期", "id_type": "证件类型",
    "id_number": "证件号码", "ethnicity": "民族", "nationality": "国籍", "hukou_address": "户籍地址",
    "person_type": "人员类型", "phone": "联系电话", "employer": "工作单位", "employer_org_id": "单位编号",
    "occupation": "职业", "person_id": "人员编号", "unit_id": "房间编号", "role": "身份",
    "relation_to_head": "与户主关系", "lease_signed_at": "签约日期", "move_in_at": "入住日期",
    "move_out_at": "搬离日期", "move_out_reason": "搬离原因", "reported_at": "报送日期",
    "report_channel": "报送渠道", "uscc": "统一社会信用代码", "org_type": "单位类型",
    "contact_name": "联系人", "sha256": "SHA-256", "owner_table": "所属表", "owner_id": "所属编号",
    "mime": "类型", "size_bytes": "大小(字节)", "taken_at": "拍摄时间", "note": "备注",
    "template_code": "巡查模板", "template_version": "模板版本", "outcome": "巡查结果",
    "answers": "检查项答案", "photos": "检查项照片", "fixes": "即巡即整", "facts": "楼栋情况",
    "failures": "不合格项", "notes": "巡查备注", "started_at": "开始时间", "submitted_at": "提交时间",
    "inspector": "巡查人",
}

SHEET_NAMES: dict[str, str] = {
    "grid": "网格", "building": "楼栋", "unit": "房间", "person": "人员", "tenancy": "居住关系",
    "organisation": "单位", "inspection": "巡查记录", "photo": "照片",
}


def _tables() -> list[Table]:
    return [TABLES[name] for name in sorted(TABLES)]


def records(store: Store) -> Iterator[dict[str, Any]]:
    """Every live record, sorted by table then id, in export form."""
    for table in _tables():
        for row in repo.rows(store, table.name):
            yield {"table": table.name, "id": row["id"], "fields": file_fields(table, row)}


def jsonl_line(record: dict[str, Any]) -> str:
    fields = dict(sorted(record["fields"].items()))
    return json.dumps({"table": record["table"], "id": record["id"], "fields": fields},
                      ensure_ascii=False, separators=(",", ":"))


def write_jsonl(store: Store, out: IO[str]) -> int:
    n = 0
    for record in records(store):
        out.write(jsonl_line(record) + "\n")
        n += 1
    return n


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _xlsx_cell(value: Any) -> Any:
    """The formula guard, and the control characters an xlsx file cannot hold written out by name
    (``<ESC>``): openpyxl refuses them, and the workbook must still be written."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = guard(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: escape_invisible(m.group()), value)
    return value


def _header(table: Table) -> list[str]:
    return ["编号 id", *(f"{LABELS.get(c.name, c.name)} {c.name}" for c in table.columns)]


def _table_rows(store: Store, table: Table) -> Iterator[list[Any]]:
    for row in repo.rows(store, table.name):
        fields = file_fields(table, row)
        yield [row["id"], *(_cell(fields[c.name]) for c in table.columns)]


def write_csv(store: Store, out: Path) -> int:
    """One ``<table>.csv`` per table (UTF-8 with BOM, so Excel shows the Chinese) in a folder,
    or inside a zip when ``out`` ends with ``.zip``."""
    n = 0
    files: dict[str, str] = {}
    for table in _tables():
        buf = io.StringIO(newline="")
        w = csv.writer(buf)
        w.writerow(_header(table))
        for cells in _table_rows(store, table):
            w.writerow(["" if c is None else guard(c) for c in cells])
            n += 1
        files[f"{table.name}.csv"] = "\ufeff" + buf.getvalue()
    if out.suffix.lower() == ".zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in files.items():
                zf.writestr(name, text.encode("utf-8"))
    else:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8", newline="")
    return n


def write_xlsx(store: Store, out: Path) -> int:
    """One sheet per table, Chinese header labels with the column name beside them."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    n = 0
    for table in _tables():
        ws = wb.create_sheet(SHEET_NAMES.get(table.name, table.name))
        ws.append(_header(table))
        for cells in _table_rows(store, table):
            # Strings stay text cells, so 18-digit ID numbers keep every digit.
            ws.append([_xlsx_cell(c) for c in cells])
            n += 1
    wb.save(out)
    return n
