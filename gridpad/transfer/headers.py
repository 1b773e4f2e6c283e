"""Registry spreadsheet headers: the many ways a community office names a column.

A header cell is cleaned (full-width → half-width, spaces, required-marks ``*`` and bracketed
hints removed) and looked up here. The key names the import field it fills.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: import key → header spellings seen in office spreadsheets (cleaned form).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "住户姓名", "人员姓名", "租客姓名", "承租人姓名", "居住人姓名", "名字"),
    "gender": ("性别",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号", "证件号码", "证件号",
                  "身份证", "身份号码"),
    "id_type": ("证件类型", "证件种类", "证件名称"),
    "ethnicity": ("民族",),
    "nationality": ("国籍", "国籍地区", "国籍/地区"),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日"),
    "hukou_address": ("户籍地址", "户籍地", "户籍所在地", "户籍详址", "户口所在地"),
    "phone": ("联系电话", "手机号码", "手机号", "手机", "电话", "联系方式", "电话号码"),
    "employer": ("工作单位", "服务处所", "工作单位/服务处所", "服务处所/工作单位", "单位名称"),
    "occupation": ("职业",),
    "person_type": ("人员类型", "人口类型", "人员类别"),
    "address": ("标准地址", "房屋地址", "地址", "出租屋地址", "居住地址", "现住地址", "楼栋地址",
                "房屋标准地址", "详细地址"),
    "address_code": ("标准地址编码", "地址编码"),
    "building_name": ("楼栋名称", "建筑物名称"),
    "room_no": ("房号", "房间号", "房间", "门牌房号", "室号"),
    "floor": ("楼层", "所在楼层", "层"),
    "area_m2": ("面积", "房屋面积", "建筑面积", "使用面积", "面积(m2)", "面积(㎡)", "面积m2", "面积㎡"),
    "monthly_rent": ("月租金", "租金"),
    "landlord_name": ("房东", "房东姓名", "出租人", "出租人姓名", "房主", "房主姓名", "业主", "业主姓名"),
    "landlord_phone": ("房东电话", "房东联系电话", "房东手机", "出租人电话", "出租人联系电话", "房主电话",
                       "业主电话"),
    "landlord_id_number": ("房东身份证", "房东身份证号", "房东身份证号码", "出租人身份证号",
                           "出租人证件号码", "房主身份证号", "业主身份证号"),
    "move_in_at": ("入住日期", "入住时间", "居住日期", "起租日期", "入住"),
    "lease_signed_at": ("签约日期", "签约时间", "合同签订日期", "签订日期"),
    "move_out_at": ("搬离日期", "搬离时间", "退租日期", "迁出日期"),
    "relation_to_head": ("与户主关系", "与承租人关系", "关系", "与主租人关系"),
    "role": ("身份", "居住身份", "人员身份"),
    "note": ("备注", "说明"),
}

#: Plain-language label per import key, used in messages when the header is unknown.
LABELS: dict[str, str] = {key: spellings[0] for key, spellings in ALIASES.items()}

_BRACKETS = re.compile(r"[(\[（【].*?[)\]）】]")


def clean_header(text: object) -> str:
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = re.sub(r"\s+", "", s).strip("*:：")
    return s


_LOOKUP: dict[str, str] = {clean_header(a): key for key, spellings in ALIASES.items() for a in spellings}


def header_key(text: object) -> str | None:
    """The import key a header cell names, or ``None`` for a column the import ignores."""
    s = clean_header(text)
    if not s:
        return None
    if s in _LOOKUP:
        return _LOOKUP[s]
    bare = _BRACKETS.sub("", s)
    return _LOOKUP.get(bare)


def map_headers(cells: Sequence[object]) -> dict[int, str]:
    """Column index → import key for one header row (the first column wins a duplicate key)."""
    found: dict[int, str] = {}
    taken: set[str] = set()
    for i, cell in enumerate(cells):
        key = header_key(cell)
        if key is not None and key not in taken:
            found[i] = key
            taken.add(key)
    return found


def find_header_row(rows: Sequence[Sequence[object]]) -> int | None:
    """Index of the header row among the first rows (title rows above it are skipped)."""
    for i, cells in enumerate(rows):
        keys = set(map_headers(cells).values())
        if "name" in keys and len(keys) >= 2:
            return i
    return None
