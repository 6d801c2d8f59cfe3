"""Bulk import of facilities from CSV or JSON, upserted by their external id.

Every row is checked first; nothing is written unless every row is valid (or the caller chose to
import the good rows only). Importing the same file twice changes nothing the second time: rows
are compared with what is stored, and only real changes are written (each as an event).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models.facilities import Facility, FacilityEvent
from server.models.regions import Region
from server.schemas.facilities import FacilityCreateSchema
from server.services import geo, opening_hours
from server.services.facilities import _apply, _jsonable, snapshot
from server.services.facility_search import GeoIndex

CSV_COLUMNS = (
    "external_id",
    "type",
    "name",
    "region_code",
    "address",
    "lat",
    "lng",
    "coord_type",
    "phone",
    "always_open",
    *(f"hours_{day}" for day in opening_hours.WEEKDAYS),
    "capacity",
    "capacity_unit",
    "occupancy",
    "services",
    "hazards",
    "step_free",
    "accessible_toilet",
    "pets_allowed",
    "status",
    "shelter_level",
    "contact_name",
    "contact_phone",
    "description",
)
LIST_SEPARATOR = "|"
BATCH = 1000


class ImportRowSchema(FacilityCreateSchema):
    """A facility as a file gives it: the API's fields, an external id, a coordinate system and
    the current occupancy."""

    external_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    coord_type = ma.fields.String(
        load_default="gcj02", validate=ma.validate.OneOf(("gcj02", "wgs84"))
    )
    occupancy = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=1_000_000))
    is_demo = ma.fields.Boolean()


@dataclass
class Report:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, dict, str]] = field(default_factory=list)  # (line, row, reason)

    @property
    def valid(self) -> int:
        return self.total - len(self.errors)


def _csv_row(row: dict[str, str]) -> dict:
    """A CSV row in the API's vocabulary: empty cells dropped, lists split, hours gathered."""
    data: dict = {}
    hours: dict[str, list[str]] = {}
    for column, raw in row.items():
        if column is None:
            raise ValueError("这一行的列数比表头多。")
        value = (raw or "").strip()
        if column.startswith("hours_"):
            day = column.removeprefix("hours_")
            hours[day] = [part.strip() for part in value.split(",") if part.strip()]
        elif column in ("services", "hazards"):
            data[column] = [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
        elif value == "":
            continue
        elif column in ("lat", "lng"):
            data[column] = float(value)
        elif column in ("capacity", "occupancy"):
            data[column] = int(value)
        elif column in ("always_open", "step_free", "accessible_toilet", "pets_allowed"):
            data[column] = value
        else:
            data[column] = value
    if hours:
        data["opening_hours"] = hours
    return data


def read_rows(text: str, *, fmt: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, row in the API's vocabulary, None) for each row; for a row that could not
    be read, (line number, the row as read or None, why)."""
    if fmt == "json":
        try:
            items = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            yield exc.lineno, None, f"不是有效的 JSON：{exc.msg}"
            return
        if isinstance(items, dict):
            # {"facilities": [...]} is accepted too; any other object is refused, not read as empty.
            items = items.get("facilities")
        if not isinstance(items, list):
            yield 1, None, "JSON 应为场所对象的数组。"
            return
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                yield number, item, None
            else:
                yield number, None, "每一项应为一个对象。"
        return
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    unknown = [c for c in reader.fieldnames or () if c not in CSV_COLUMNS]
    if unknown:
        yield 1, None, f"表头中有不认识的列：{', '.join(unknown)}"
        return
    for row in reader:
        try:
            yield reader.line_num, _csv_row(row), None
        except ValueError as exc:
            reason = str(exc)
            if "could not convert" in reason or "invalid literal" in reason:
                reason = "数字格式不正确（经纬度、容量、在住人数应为数字）。"
            # The row as read, so that the rejects file keeps what was in it.
            yield reader.line_num, row, reason


def _reason(messages) -> str:
    parts = []
    for name, problems in sorted(messages.items()):
        if isinstance(problems, dict):
            parts.append(f"{name}: {_reason(problems)}")
        else:
            parts.append(f"{name}: {'；'.join(map(str, problems))}")
    return "；".join(parts)


def validate(
    session: Session, rows: Iterable[tuple[int, dict | None, str | None]]
) -> tuple[list[tuple[int, dict]], Report]:
    """Check every row; the good ones (as loaded fields) and a report listing every bad one."""
    schema = ImportRowSchema()
    regions = set(session.scalars(select(Region.code)))
    report = Report()
    good: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for line, raw, problem in rows:
        report.total += 1
        if problem is not None:
            report.errors.append((line, raw or {}, problem))
            continue
        try:
            data = schema.load(raw)
        except ma.ValidationError as exc:
            report.errors.append((line, raw, _reason(exc.messages)))
            continue
        problems = _row_problems(data, regions)
        if data["external_id"] in seen:
            problems.append(f"external_id 与第 {seen[data['external_id']]} 行重复")
        if problems:
            report.errors.append((line, raw, "；".join(problems)))
            continue
        seen[data["external_id"]] = line
        good.append((line, data))
    return good, report


def _row_problems(data: dict, regions: set[str]) -> list[str]:
    problems = []
    if data["region_code"] not in regions:
        problems.append(f"region_code: 没有这个地区（{data['region_code']}）")
    if not geo.in_china(data["lat"], data["lng"]):
        problems.append("lat/lng: 位置不在中国境内")
    if data["type"] == "shelter" and not data.get("shelter_level"):
        problems.append("shelter_level: 避灾安置场所需注明级别（township 或 community）")
    if data["type"] != "shelter" and (data.get("shelter_level") or data.get("hazards")):
        problems.append("shelter_level/hazards: 只有避灾安置场所才有此项")
    if (data.get("capacity") is None) != (data.get("capacity_unit") is None):
        problems.append("capacity_unit: 容量和单位要一起填写")
    if data.get("occupancy") and (
        data.get("capacity") is None or data["occupancy"] > data["capacity"]
    ):
        problems.append("occupancy: 在住人数不能超过容量")
    return problems


def _compared(facility: Facility) -> dict:
    """What an import may change: the editable fields and the occupancy (which a file may carry,
    and whose change must be an event like any other)."""
    return {**snapshot(facility), "occupancy": facility.occupancy}


def upsert(
    session: Session,
    rows: list[dict],
    *,
    index: GeoIndex | None,
    actor_id: int | None,
    reason: str,
    progress: Callable[[int], None] = lambda _n: None,
) -> Report:
    """Create or update facilities by external id, writing an event for each real change."""
    report = Report(total=len(rows))
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        existing = {
            f.external_id: f
            for f in session.scalars(
                select(Facility).where(Facility.external_id.in_([r["external_id"] for r in batch]))
            )
        }
        events = []
        for data in batch:
            fields = dict(data)
            lat, lng = geo.to_gcj02(
                fields.pop("lat"), fields.pop("lng"), fields.pop("coord_type", "gcj02")
            )
            fields["lat"], fields["lng"] = round(lat, 7), round(lng, 7)
            occupancy = fields.pop("occupancy", None)
            is_demo = fields.pop("is_demo", False)
            facility = existing.get(fields["external_id"])
            if facility is None:
                facility = Facility(opening_hours={}, is_demo=is_demo, occupancy=occupancy or 0)
                _apply(facility, fields)
                session.add(facility)
                events.append((facility, "created", None, None))
                report.created += 1
                continue
            before = _compared(facility)
            old_type = facility.type
            _apply(facility, fields)
            if occupancy is not None:
                facility.occupancy = occupancy
            after = _compared(facility)
            changed = [k for k in after if after[k] != before[k]]
            if not changed:
                report.unchanged += 1
                continue
            events.append(
                (
                    facility,
                    "updated",
                    {k: before[k] for k in changed},
                    {k: after[k] for k in changed},
                )
            )
            moved = {"lat", "lng", "type"} & set(changed)
            if index is not None and moved and facility.deleted_at is None:
                index.stage_put(facility, old_type=old_type)
            report.updated += 1
        session.flush()
        for facility, action, before, after in events:
            if action == "created":
                after = _compared(facility)
                if index is not None:
                    index.stage_put(facility)
            session.add(
                FacilityEvent(
                    facility_id=facility.id,
                    actor_id=actor_id,
                    action=action,
                    before=_jsonable(before),
                    after=_jsonable(after),
                    reason=reason,
                )
            )
        session.flush()
        progress(len(batch))
    return report


def write_rejects(path: str, errors: list[tuple[int, dict, str]], *, fmt: str) -> None:
    """The bad rows, in the input's own format, each with its line number and reason."""
    if fmt == "json":
        payload = [{"line": line, "reason": reason, "row": row} for line, row, reason in errors]
        with open(path, "w", encoding="utf-8") as out:
            json.dump(payload, out, ensure_ascii=False, indent=2, default=str)
        return
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "reason", *CSV_COLUMNS])
        for line, row, reason in errors:
            flat = _flatten(row)
            writer.writerow([line, reason, *(flat.get(c, "") for c in CSV_COLUMNS)])


def _flatten(row: dict) -> dict:
    flat = {}
    for key, value in row.items():
        if key == "opening_hours" and isinstance(value, dict):
            for day, ranges in value.items():
                flat[f"hours_{day}"] = ",".join(map(str, ranges or []))
        elif isinstance(value, list):
            flat[key] = LIST_SEPARATOR.join(map(str, value))
        else:
            flat[key] = value
    return flat
