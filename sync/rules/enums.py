"""Code tables (domain.md §2.3–§2.7, §3.3) as stable codes with Chinese labels.

Convention: where a national standard has codes they are used as they are (gender GB/T 2261.1
"1"/"2"/"0"/"9", ethnicity GB/T 3304 "01".."56"/"97"/"98", relation GB/T 4761 "01".."99");
every other table uses upper-case ASCII codes (``VILLAGE_HOUSE``), so exports and sync stay
readable and stable whatever the UI language. Records store the code; :func:`to_code` also
accepts a Chinese label (spreadsheet import), :func:`label` gives the label for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sync.rules.errors import RuleError, fail


def _enum(*pairs: tuple[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(pairs))


BUILDING_TYPE = _enum(
    ("VILLAGE_HOUSE", "农民房/村民自建房"), ("COLLECTIVE_BUILDING", "统建楼(村集体物业)"),
    ("COMMERCIAL_HOUSING", "商品房住宅"), ("APARTMENT", "公寓(集中式租赁)"),
    ("DORMITORY", "厂房宿舍/员工宿舍"), ("MIXED_USE", "商住楼"), ("SHOP_HOUSE", "临街商铺(下铺上住)"),
    ("SHED", "简易房/铁皮房"), ("OTHER", "其他"),
)
STRUCTURE = _enum(
    ("RC", "钢混"), ("BRICK_CONCRETE", "砖混"), ("BRICK_WOOD", "砖木"), ("STEEL", "钢结构"),
    ("SIMPLE", "简易(铁皮/彩钢板)"),
)
LAND_TYPE = _enum(("COLLECTIVE", "集体土地"), ("STATE", "国有土地"))
RENT_USE = _enum(
    ("RESIDENTIAL", "居住"), ("PRODUCTION", "生产"), ("BUSINESS", "经营"), ("STORAGE", "仓储"),
    ("OFFICE", "办公"), ("RESIDENTIAL_BUSINESS", "居住兼经营"), ("THREE_IN_ONE", "三合一"),
)
LESSOR_TYPE = _enum(
    ("INDIVIDUAL", "个人业主"), ("ORGANISATION", "单位"), ("VILLAGE_COLLECTIVE", "村集体"),
    ("SUBLESSOR", "二手房东(转租)"), ("AGENT", "中介/托管"),
)
ACCESS_CONTROL = _enum(("NONE", "无"), ("INSTALLED", "已安装"), ("POLICE_LINKED", "已安装并联网"))
GAS_SUPPLY = _enum(("PIPED", "管道天然气"), ("BOTTLED", "瓶装液化气"), ("NONE", "无"))
RISK_LEVEL = _enum(("GREEN", "绿(宽管)"), ("YELLOW", "黄(关注)"), ("ORANGE", "橙(严管)"), ("RED", "红(禁止)"))
BUILDING_STATUS = _enum(("LET", "在租"), ("VACANT", "空置"), ("SUSPENDED", "停租"), ("DEMOLISHED", "拆除"))
LAYOUT = _enum(
    ("SINGLE_ROOM", "单间"), ("ONE_BEDROOM", "一房一厅"), ("TWO_BEDROOM", "两房一厅"),
    ("THREE_BEDROOM", "三房一厅"), ("BED_SPACE", "床位间"), ("OTHER", "其他"),
)
UNIT_STATUS = _enum(("LET", "在租"), ("VACANT", "空置"), ("OWNER_OCCUPIED", "自住"))
GENDER = _enum(("1", "男"), ("2", "女"), ("0", "未知的性别"), ("9", "未说明的性别"))
ID_TYPE = _enum(
    ("RESIDENT_ID", "居民身份证"), ("TEMP_RESIDENT_ID", "临时居民身份证"), ("HOUSEHOLD_BOOKLET", "户口簿"),
    ("HMT_RESIDENCE_PERMIT", "港澳台居民居住证"), ("HK_MACAU_TRAVEL_PERMIT", "港澳居民来往内地通行证"),
    ("TW_TRAVEL_PERMIT", "台湾居民来往大陆通行证"), ("CN_PASSPORT", "中国护照"),
    ("FOREIGN_PASSPORT", "外国护照"),
    ("FOREIGN_PR_2017", "外国人永久居留身份证(2017版)"), ("FOREIGN_PR_2023", "外国人永久居留身份证(2023版)"),
    ("OTHER", "其他"),
)
#: Public-security code values for :data:`ID_TYPE` (domain.md §3.3; they vary between systems).
ID_TYPE_PS_CODE = MappingProxyType({
    "RESIDENT_ID": "111", "TEMP_RESIDENT_ID": "112", "HOUSEHOLD_BOOKLET": "113",
    "HK_MACAU_TRAVEL_PERMIT": "516", "TW_TRAVEL_PERMIT": "511", "CN_PASSPORT": "414",
    "FOREIGN_PR_2017": "553", "FOREIGN_PR_2023": "553", "OTHER": "990",
})
ETHNICITY = _enum(*((f"{i:02d}", n) for i, n in enumerate((
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族",
    "塔塔尔族",     "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
), start=1)), ("97", "其他"), ("98", "外国血统中国籍人士"))
PERSON_TYPE = _enum(
    ("HUKOU", "户籍人口"), ("FLOATING", "流动人口"), ("HMT", "港澳台人员"), ("FOREIGN", "外籍人员"),
)
TENANCY_ROLE = _enum(
    ("HEAD_TENANT", "承租人(主租)"), ("CO_RESIDENT", "同住人"), ("LESSOR", "出租人"),
    ("MANAGER", "管理人"), ("SUBLESSOR", "二手房东"),
)
RELATION = _enum(
    ("01", "本人"), ("02", "户主"), ("10", "配偶"), ("11", "夫"), ("12", "妻"), ("20", "子"), ("30", "女"),
    ("50", "父母"), ("51", "父亲"), ("52", "母亲"), ("71", "兄"), ("73", "弟"), ("75", "姐姐"),
    ("77", "妹妹"), ("97", "其他亲属"), ("99", "非亲属"),
)
MOVE_OUT_REASON = _enum(
    ("LEASE_ENDED", "退租"), ("CHANGED_HOME", "换房"), ("LEFT_DONGGUAN", "离莞"), ("LOST_CONTACT", "失联"),
    ("OTHER", "其他"),
)

#: An inspection's visit outcome (sync.rules.checklist_codes.VisitOutcome) and its state; lower-case
#: codes, as the answers files and ``gridpad inspect --outcome`` spell them.
VISIT_OUTCOME = _enum(("entered", "入户检查"), ("nobody_home", "无人在家"), ("refused", "拒绝入户"),
                      ("vacant", "空置"))
INSPECTION_STATUS = _enum(("draft", "草稿"), ("submitted", "已提交"))

#: Enumerations by the rule name :mod:`sync.schema` uses in ``Column.rule``.
ENUMS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "building_type": BUILDING_TYPE, "structure": STRUCTURE, "land_type": LAND_TYPE, "rent_use": RENT_USE,
    "lessor_type": LESSOR_TYPE, "access_control": ACCESS_CONTROL, "gas_supply": GAS_SUPPLY,
    "risk_level": RISK_LEVEL, "building_status": BUILDING_STATUS, "layout": LAYOUT,
    "unit_status": UNIT_STATUS, "gender": GENDER, "id_type": ID_TYPE, "ethnicity": ETHNICITY,
    "person_type": PERSON_TYPE, "tenancy_role": TENANCY_ROLE, "relation": RELATION,
    "move_out_reason": MOVE_OUT_REASON, "visit_outcome": VISIT_OUTCOME,
    "inspection_status": INSPECTION_STATUS,
})


def label(enum: str, code: str) -> str:
    """The Chinese label of ``code`` (the code itself if unknown, so nothing is hidden)."""
    return ENUMS[enum].get(code, code)


def to_code(enum: str, value: str, field: str | None = None) -> str:
    """``value`` as a code of ``enum``: a code as is, or a Chinese label (also the part before
    a bracket, e.g. "农民房" or "承租人"); otherwise :class:`RuleError`."""
    table = ENUMS[enum]
    v = value.strip()
    if v in table:
        return v
    if v.isdigit() and len(v) == 1 and f"0{v}" in table:  # "1" for ethnicity 01 from a spreadsheet
        return f"0{v}"
    for code, text in table.items():
        names = {text, *text.replace(")", "").split("("), *text.split("/")}
        if v in names or v.upper() == code:
            return code
    raise _unknown(field or enum, enum, value)


def check(enum: str, value: str, field: str | None = None) -> str:
    """``value`` if it is a code of ``enum``, else :class:`RuleError`."""
    if value not in ENUMS[enum]:
        raise _unknown(field or enum, enum, value)
    return value


def _unknown(field: str, enum: str, value: str) -> RuleError:
    sample = ", ".join(list(ENUMS[enum])[:6])
    return fail(field, "enum.unknown", f"not a {enum} code (e.g. {sample})",
                enum=enum, value=str(value)[:40])
