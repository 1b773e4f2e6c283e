"""Code tables of inspections and hazards (domain.md §4, §5.3, §5.4).

Like :mod:`sync.rules.enums`: records and templates store the upper-case ASCII code, the
Chinese label is for display. The department list is illustrative (domain.md §5.4 [?]).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Severity(StrEnum):
    """domain.md §4: S1 重大 (danger to life) … S4 轻微 (advise and record)."""

    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"


class HazardLevel(StrEnum):
    """Urgency levels of domain.md §5.3; each stage's deadline follows from the level."""

    EMERGENCY = "EMERGENCY"  # 紧急
    MAJOR = "MAJOR"  # 较大
    GENERAL = "GENERAL"  # 一般
    COMPLEX = "COMPLEX"  # 复杂 (enforcement)


class ItemLevel(StrEnum):
    """What a failed item defaults to: a hazard level, or ADVICE (S4: recorded, reported only on repeat)."""

    EMERGENCY = "EMERGENCY"
    MAJOR = "MAJOR"
    GENERAL = "GENERAL"
    COMPLEX = "COMPLEX"
    ADVICE = "ADVICE"


class VisitOutcome(StrEnum):
    """Only ``ENTERED`` opens the items; the others are visits, not inspections."""

    ENTERED = "entered"
    NOBODY_HOME = "nobody_home"
    REFUSED = "refused"
    VACANT = "vacant"


LEVEL_LABEL: Mapping[str, str] = MappingProxyType({
    "EMERGENCY": "紧急", "MAJOR": "较大", "GENERAL": "一般", "COMPLEX": "复杂", "ADVICE": "建议(不上报)",
})

#: How urgent each level is, for "the reporter may raise it" (COMPLEX is slow but not less serious
#: than GENERAL: enforcement cases take long, so it ranks just above GENERAL).
LEVEL_RANK: Mapping[HazardLevel, int] = MappingProxyType({
    HazardLevel.GENERAL: 1, HazardLevel.COMPLEX: 2, HazardLevel.MAJOR: 3, HazardLevel.EMERGENCY: 4,
})

DEPARTMENT: Mapping[str, str] = MappingProxyType({
    "PUBLIC_SECURITY": "公安(派出所)",
    "FIRE_RESCUE": "消防救援",
    "TOWN_SAFETY": "镇街安全办",
    "EMERGENCY_MANAGEMENT": "应急管理",
    "URBAN_MANAGEMENT": "城市管理和综合执法",
    "MARKET_SUPERVISION": "市场监管",
    "ECOLOGY_ENVIRONMENT": "生态环境",
    "HOUSING_CONSTRUCTION": "住房和城乡建设",
    "NATURAL_RESOURCES": "自然资源",
    "HEALTH": "卫生健康",
    "EDUCATION": "教育",
    "HUMAN_RESOURCES": "人力资源和社会保障",
    "CIVIL_AFFAIRS": "民政",
    "JUSTICE": "司法",
    "GAS_SUPPLIER": "燃气供应企业",
    "GRID_CENTRE": "镇街智网中心",
})

#: hazard.category (domain.md §5.4).
HAZARD_CATEGORY: Mapping[str, str] = MappingProxyType({
    "FIRE": "消防安全",
    "GAS": "燃气安全",
    "PUBLIC_ORDER": "治安隐患",
    "RENTAL_MANAGEMENT": "出租屋管理",
    "BUILDING_SAFETY": "房屋安全",
    "WORK_SAFETY": "安全生产",
    "ILLEGAL_CONSTRUCTION": "违法建设",
    "CITY_APPEARANCE": "市容环境",
    "UNLICENSED_BUSINESS": "无证照经营",
    "FOOD_DRUG": "食品药品",
    "ECOLOGY": "生态环境",
    "LABOUR": "劳动保障",
    "HEALTH": "卫生健康",
    "EDUCATION": "教育",
    "DISASTER": "三防/自然灾害",
    "DISPUTE": "矛盾纠纷",
    "SPECIAL_GROUPS": "特殊人群服务",
    "OTHER": "其他",
})

#: Enforcement categories: their cases default to 复杂 whatever the severity (domain.md §5.3).
ENFORCEMENT_CATEGORIES = frozenset({"ILLEGAL_CONSTRUCTION", "UNLICENSED_BUSINESS"})

_SEVERITY_LEVEL: Mapping[Severity, ItemLevel] = MappingProxyType({
    Severity.S1: ItemLevel.EMERGENCY, Severity.S2: ItemLevel.MAJOR,
    Severity.S3: ItemLevel.GENERAL, Severity.S4: ItemLevel.ADVICE,
})


def default_level(severity: Severity, category: str) -> ItemLevel:
    """S1 → 紧急, S2 → 较大, S3 → 一般, S4 → advice; enforcement categories → 复杂.

    A template may declare another level for an item (§5.3 puts refused indoor e-bike charging,
    an S1 item, at 较大); this is what an item gets when it does not.
    """
    if category in ENFORCEMENT_CATEGORIES:
        return ItemLevel.COMPLEX
    return _SEVERITY_LEVEL[severity]
