"""Opening hours by weekday, and whether a place is open at an instant (Asia/Shanghai).

Hours are a mapping from weekday (`mon` … `sun`) to a list of "HH:MM-HH:MM" ranges. A range whose
end is not after its start runs past midnight: "20:00-06:00" on Monday is open from Monday 20:00
to Tuesday 06:00. "24:00" may end a range. A day that is missing or empty is closed.
"""

from __future__ import annotations

import re
from datetime import datetime

from server.services.common import LOCAL_TZ

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = dict(zip(WEEKDAYS, "一二三四五六日", strict=True))
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$")


def parse_range(text: str) -> tuple[int, int]:
    """("08:00-17:30") -> (480, 1050) in minutes after midnight; ValueError if malformed."""
    match = _RANGE.match(text)
    if not match:
        raise ValueError("营业时间应写成 08:00-17:30 这样的格式。")
    start = int(match.group(1)) * 60 + int(match.group(2))
    end = 1440 if match.group(3) == "24:00" else int(match.group(4)) * 60 + int(match.group(5))
    if start == end or (end == 1440 and start == 0):
        raise ValueError("一段营业时间的开始和结束不能相同；全天开放请选择“全天开放”。")
    return start, end


def validate(hours: dict) -> list[str]:
    """The problems with an opening-hours mapping (empty when it is fine)."""
    problems = []
    for day, ranges in hours.items():
        if day not in WEEKDAYS:
            problems.append(f"“{day}”不是星期几，应为 {', '.join(WEEKDAYS)} 之一。")
            continue
        if not isinstance(ranges, list) or len(ranges) > 6:
            problems.append(f"星期{WEEKDAY_NAMES[day]}的营业时间应为最多 6 段的列表。")
            continue
        for text in ranges:
            try:
                parse_range(text if isinstance(text, str) else "")
            except ValueError as exc:
                problems.append(f"星期{WEEKDAY_NAMES[day]}：{exc}")
    return problems


def is_open_at(hours: dict, *, always_open: bool, at: datetime) -> bool:
    """Whether the hours cover the instant `at` (read in Asia/Shanghai)."""
    if always_open:
        return True
    local = at.astimezone(LOCAL_TZ)
    minute = local.hour * 60 + local.minute
    today = WEEKDAYS[local.weekday()]
    yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
    for text in hours.get(today) or ():
        start, end = parse_range(text)
        if start < end and start <= minute < end:
            return True
        if end < start and minute >= start:
            return True
    for text in hours.get(yesterday) or ():
        start, end = parse_range(text)
        if end < start and minute < end:
            return True
    return False
