"""`flask facilities import` and `reindex`, and the demo facilities.

The CLI commands commit; as in tests/test_cli.py, their session joins the test's transaction
(a savepoint), so what they write is read back through the `session` fixture and rolled back
after the test. Redis is emptied before every test.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from sqlalchemy import func, select

from server.extensions import make_redis, redis_client
from server.models.facilities import FACILITY_TYPES, Facility, FacilityEvent
from server.seed_facilities import seed_facilities
from server.services import geo
from server.services.facilities import snapshot
from server.services.facility_import import CSV_COLUMNS
from server.services.facility_search import READY_KEY, facility_open_now, geo_key

SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "samples"
CSV_SAMPLE = SAMPLES / "facilities.csv"
JSON_SAMPLE = SAMPLES / "facilities.json"
BOTH_SAMPLES = pytest.mark.parametrize("sample", [CSV_SAMPLE, JSON_SAMPLE], ids=["csv", "json"])


def run(app, *args):
    return app.test_cli_runner().invoke(args=["facilities", *map(str, args)])


def sample_rows(path: Path) -> list[dict]:
    """The rows of a sample as the file gives them."""
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict], header=CSV_COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_json(path: Path, items) -> Path:
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def facilities(session) -> dict[str, Facility]:
    """Every facility by external id, read afresh (the CLI wrote through another session)."""
    session.expire_all()
    return {f.external_id: f for f in session.scalars(select(Facility))}


def events(session, action: str | None = None) -> list[FacilityEvent]:
    query = select(FacilityEvent).order_by(FacilityEvent.id)
    if action:
        query = query.where(FacilityEvent.action == action)
    return list(session.scalars(query))


def redis_of(app) -> redis.Redis:
    with app.app_context():
        return redis_client.client


def reported(output: str) -> dict[int, str]:
    """{line: reason} from the import's "line N: reason" lines."""
    found = {}
    for text in output.splitlines():
        if text.startswith("line "):
            number, _, reason = text.removeprefix("line ").partition(": ")
            found[int(number)] = reason
    return found


# --- the samples ----------------------------------------------------------------------------------


def test_the_samples_show_every_type_a_shelter_contact_a_night_range_and_wgs84():
    for sample in (CSV_SAMPLE, JSON_SAMPLE):
        rows = sample_rows(sample)
        assert 5 <= len(rows) <= 8
        assert {row["type"] for row in rows} == set(FACILITY_TYPES)
        shelters = [row for row in rows if row["type"] == "shelter"]
        assert any(row["hazards"] and row["contact_name"] for row in shelters)
        assert any(row.get("coord_type") == "wgs84" for row in rows)
    csv_hours = [v for row in sample_rows(CSV_SAMPLE) for k, v in row.items() if "hours_" in k]
    assert "19:00-07:00" in ",".join(csv_hours)
    json_hours = [
        r for row in sample_rows(JSON_SAMPLE) for r in row.get("opening_hours", {}).values()
    ]
    assert ["08:00-12:00", "20:00-06:00"] in json_hours


@BOTH_SAMPLES
def test_a_dry_run_checks_every_row_and_writes_nothing(app, session, sample):
    result = run(app, "import", sample, "--dry-run")
    assert result.exit_code == 0, result.output
    count = len(sample_rows(sample))
    assert f"{count} rows: {count} valid, 0 invalid" in result.output
    assert "dry run: nothing written" in result.output
    assert facilities(session) == {} and events(session) == []
    assert redis_of(app).keys("facilities:*") == []


@BOTH_SAMPLES
def test_importing_a_sample_creates_every_row_with_a_created_event(app, session, sample):
    result = run(app, "import", sample)
    assert result.exit_code == 0, result.output
    rows = sample_rows(sample)
    assert f"{len(rows)} created, 0 updated, 0 unchanged" in result.output
    stored = facilities(session)
    assert set(stored) == {row["external_id"] for row in rows}
    assert all(not f.is_demo and f.version == 1 and f.deleted_at is None for f in stored.values())
    created = events(session, "created")
    assert sorted(e.facility_id for e in created) == sorted(f.id for f in stored.values())
    for event in created:
        assert event.actor_id is None and event.before is None
        assert event.reason == f"导入 {sample.name}"
        facility = session.get(Facility, event.facility_id)
        assert event.after["name"] == facility.name
        assert event.after["occupancy"] == facility.occupancy
    shelter = next(
        f for f in stored.values() if f.type == "shelter" and f.shelter_level == "township"
    )
    assert shelter.hazards_mask and shelter.contact_name and shelter.contact_phone
    assert shelter.capacity_unit == "persons" and shelter.always_open
    # A range that runs past midnight is kept as written.
    assert any(
        end < start
        for f in stored.values()
        for ranges in f.opening_hours.values()
        for start, end in (r.split("-") for r in ranges)
    )


def test_the_csv_sample_is_stored_as_written(app, session):
    assert run(app, "import", CSV_SAMPLE).exit_code == 0
    home = facilities(session)["kc-homecare-fmj-01"]
    assert (home.type, home.name, home.region_code) == (
        "home_care",
        "坊门街社区居家养老服务照料中心",
        "330802001001",
    )
    assert (home.lat, home.lng) == (28.9604, 118.8662)
    assert home.opening_hours["mon"] == ["08:00-11:30", "13:30-17:00"]
    assert home.opening_hours["sat"] == ["08:30-11:30"] and home.opening_hours["sun"] == []
    assert (home.capacity, home.capacity_unit, home.occupancy) == (30, "persons", 12)
    assert (home.step_free, home.accessible_toilet, home.pets_allowed) == (True, True, False)
    assert snapshot(home)["services"] == ["meals", "day_care", "bathing"]
    assert snapshot(home)["hazards"] == []


def test_the_samples_night_range_is_open_after_midnight(app, session):
    assert run(app, "import", CSV_SAMPLE).exit_code == 0
    centre = facilities(session)["kc-esc-xa-01"]  # fri 08:00-17:30,19:00-07:00; sat 19:00-07:00

    def open_at(day: int, hour: int, minute: int = 0) -> bool:
        at = datetime(2026, 12, day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))
        return facility_open_now(centre, activated=False, now=at)

    # 2026-12-04 is a Friday.
    assert open_at(4, 18) is False and open_at(4, 19) is True
    assert open_at(5, 3) is True and open_at(5, 7) is False and open_at(5, 12) is False
    assert open_at(6, 6, 59) is True and open_at(6, 7) is False
    assert facility_open_now(centre, activated=True, now=datetime(2026, 12, 6, 12, tzinfo=UTC))


@BOTH_SAMPLES
def test_importing_the_same_file_twice_changes_nothing(app, session, sample):
    assert run(app, "import", sample).exit_code == 0
    before = {k: (f.version, f.updated_at) for k, f in facilities(session).items()}
    count = len(events(session))
    again = run(app, "import", sample)
    assert again.exit_code == 0, again.output
    assert f"0 created, 0 updated, {len(before)} unchanged" in again.output
    assert {k: (f.version, f.updated_at) for k, f in facilities(session).items()} == before
    assert len(events(session)) == count


# --- bad rows -------------------------------------------------------------------------------------


def good_csv_row(external_id: str) -> dict:
    row = next(r for r in sample_rows(CSV_SAMPLE) if r["type"] == "home_care")
    return {**row, "external_id": external_id, "name": f"测试照料中心 {external_id}"}


def bad_csv(tmp_path: Path) -> Path:
    rows = [
        good_csv_row("t-good-1"),  # line 2
        {**good_csv_row("t-type"), "type": "hospital"},  # 3
        {**good_csv_row("t-name"), "name": ""},  # 4
        {**good_csv_row("t-paris"), "lat": "48.8566", "lng": "2.3522"},  # 5
        {**good_csv_row("t-region"), "region_code": "330899001001"},  # 6
        good_csv_row("t-good-1"),  # 7: the same external_id as line 2
        {**good_csv_row("t-hours"), "hours_mon": "8:00-17:00"},  # 8
        {**good_csv_row("t-unit"), "capacity": "50", "capacity_unit": ""},  # 9
        {**good_csv_row("t-lat"), "lat": "二十八度"},  # 10
        good_csv_row("t-good-2"),  # 11
    ]
    return write_csv(tmp_path / "bad.csv", rows)


CSV_REASONS = {
    3: "type",
    4: "name",
    5: "位置不在中国境内",
    6: "没有这个地区（330899001001）",
    7: "external_id 与第 2 行重复",
    8: "营业时间应写成",
    9: "容量和单位要一起填写",
    10: "数字格式不正确",
}


def test_bad_csv_rows_are_each_reported_and_nothing_is_imported(app, session, tmp_path):
    result = run(app, "import", bad_csv(tmp_path))
    assert result.exit_code != 0
    found = reported(result.output)
    assert set(found) == set(CSV_REASONS), result.output
    for line, needle in CSV_REASONS.items():
        assert needle in found[line], (line, found[line])
    assert "10 rows: 2 valid, 8 invalid" in result.output
    assert "nothing imported" in result.output
    assert facilities(session) == {} and events(session) == []
    assert redis_of(app).keys("facilities:*") == []


def test_a_dry_run_reports_bad_rows_too(app, session, tmp_path):
    result = run(app, "import", bad_csv(tmp_path), "--dry-run")
    assert result.exit_code != 0
    assert set(reported(result.output)) == set(CSV_REASONS)
    assert facilities(session) == {}


def good_json_item(external_id: str) -> dict:
    item = next(i for i in sample_rows(JSON_SAMPLE) if i["type"] == "home_care")
    return {**item, "external_id": external_id, "name": f"测试照料中心 {external_id}"}


def bad_json(tmp_path: Path) -> Path:
    no_name = good_json_item("t-name")
    del no_name["name"]
    no_id = good_json_item("t-none")
    del no_id["external_id"]
    items = [
        good_json_item("t-good-1"),  # 1
        {**good_json_item("t-type"), "type": "hospital"},  # 2
        no_name,  # 3
        {**good_json_item("t-paris"), "lat": 48.8566, "lng": 2.3522},  # 4
        {**good_json_item("t-region"), "region_code": "330899001001"},  # 5
        good_json_item("t-good-1"),  # 6
        {**good_json_item("t-hours"), "opening_hours": {"mon": ["08:00-25:00"]}},  # 7
        {**good_json_item("t-unit"), "capacity_unit": None},  # 8
        no_id,  # 9
        {**good_json_item("t-strict"), "capacity": "25"},  # 10
        {**good_json_item("t-unknown"), "website": "http://example.org"},  # 11
        "不是对象",  # 12
        {**good_json_item("t-level"), "hazards": ["flood"]},  # 13: hazards on a home-care centre
        good_json_item("t-good-2"),  # 14
    ]
    return write_json(tmp_path / "bad.json", items)


JSON_REASONS = {
    2: "type",
    3: "name",
    4: "位置不在中国境内",
    5: "没有这个地区",
    6: "external_id 与第 1 行重复",
    7: "营业时间应写成",
    8: "容量和单位要一起填写",
    9: "external_id",
    10: "capacity",
    11: "website",
    12: "每一项应为一个对象",
    13: "只有避灾安置场所才有此项",
}


def test_bad_json_items_are_each_reported_by_position_and_nothing_is_imported(
    app, session, tmp_path
):
    result = run(app, "import", bad_json(tmp_path))
    assert result.exit_code != 0
    found = reported(result.output)
    assert set(found) == set(JSON_REASONS), result.output
    for line, needle in JSON_REASONS.items():
        assert needle in found[line], (line, found[line])
    assert "14 rows: 2 valid, 12 invalid" in result.output
    assert facilities(session) == {}


def test_an_unknown_csv_column_refuses_the_whole_file(app, session, tmp_path):
    path = write_csv(
        tmp_path / "extra.csv",
        [{**good_csv_row("t-1"), "website": "http://example.org"}],
        header=(*CSV_COLUMNS, "website"),
    )
    result = run(app, "import", path)
    assert result.exit_code != 0
    assert reported(result.output) == {1: "表头中有不认识的列：website"}
    assert facilities(session) == {}


def test_a_csv_row_with_more_cells_than_the_header_is_reported(app, session, tmp_path):
    path = write_csv(tmp_path / "cells.csv", [good_csv_row("t-1")])
    with path.open("a", encoding="utf-8") as out:
        out.write(",".join(["t-2", *[""] * len(CSV_COLUMNS)]) + "\n")
    result = run(app, "import", path)
    assert result.exit_code != 0
    assert "列数比表头多" in reported(result.output)[3]


def test_malformed_json_is_reported_with_its_line(app, session, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"external_id": "x",\n   "type": "shelter"\n   "name": "y"}\n]\n')
    result = run(app, "import", path)
    assert result.exit_code != 0
    found = reported(result.output)
    assert list(found) == [4] and "不是有效的 JSON" in found[4]
    assert facilities(session) == {}


def test_json_may_wrap_the_array_in_an_object_but_not_any_object(app, session, tmp_path):
    items = sample_rows(JSON_SAMPLE)
    wrapped = run(app, "import", write_json(tmp_path / "wrapped.json", {"facilities": items}))
    assert wrapped.exit_code == 0, wrapped.output
    assert f"{len(items)} created" in wrapped.output
    other = run(app, "import", write_json(tmp_path / "other.json", {"rows": items}))
    assert other.exit_code != 0
    assert reported(other.output) == {1: "JSON 应为场所对象的数组。"}


@BOTH_SAMPLES
def test_a_byte_order_mark_is_skipped(app, session, tmp_path, sample):
    path = tmp_path / sample.name
    path.write_text("\ufeff" + sample.read_text(encoding="utf-8"), encoding="utf-8")
    result = run(app, "import", path)
    assert result.exit_code == 0, result.output
    assert f"{len(sample_rows(sample))} created" in result.output


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(app, session, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(CSV_SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    result = run(app, "import", path)
    assert result.exit_code != 0 and "not UTF-8" in result.output
    assert facilities(session) == {}


# --- --skip-invalid -------------------------------------------------------------------------------


def test_skip_invalid_imports_the_good_rows_and_writes_the_bad_ones(app, session, tmp_path):
    rejects = tmp_path / "out" / "rejects.csv"
    rejects.parent.mkdir()
    result = run(app, "import", bad_csv(tmp_path), "--skip-invalid", "--rejects", rejects)
    assert result.exit_code == 0, result.output
    assert set(reported(result.output)) == set(CSV_REASONS)
    assert "2 created, 0 updated, 0 unchanged" in result.output
    assert f"8 invalid rows written to {rejects}" in result.output
    assert set(facilities(session)) == {"t-good-1", "t-good-2"}
    with rejects.open(encoding="utf-8", newline="") as handle:
        written = {int(row["line"]): row for row in csv.DictReader(handle)}
    assert set(written) == set(CSV_REASONS)
    for line, needle in CSV_REASONS.items():
        assert needle in written[line]["reason"]
    assert written[3]["type"] == "hospital"
    assert written[8]["hours_mon"] == "8:00-17:00"
    # A row that could not be read at all keeps what was in it.
    assert written[10]["lat"] == "二十八度" and written[10]["external_id"] == "t-lat"


def test_skip_invalid_json_writes_the_rejects_beside_the_file(app, session, tmp_path):
    result = run(app, "import", bad_json(tmp_path), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert set(facilities(session)) == {"t-good-1", "t-good-2"}
    rejects = json.loads((tmp_path / "bad.rejects.json").read_text(encoding="utf-8"))
    assert [item["line"] for item in rejects] == sorted(JSON_REASONS)
    assert rejects[0]["row"]["type"] == "hospital" and "type" in rejects[0]["reason"]


def test_skip_invalid_with_a_dry_run_writes_nothing(app, session, tmp_path):
    result = run(app, "import", bad_csv(tmp_path), "--skip-invalid", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.output
    assert facilities(session) == {}
    assert not (tmp_path / "bad.rejects.csv").exists()


# --- updates --------------------------------------------------------------------------------------


def test_a_changed_row_updates_only_what_changed(app, session, tmp_path):
    assert run(app, "import", CSV_SAMPLE).exit_code == 0
    before = facilities(session)
    rows = sample_rows(CSV_SAMPLE)
    for row in rows:
        if row["external_id"] == "kc-homecare-fmj-01":
            row["phone"] = "0570-3025599"
            row["hours_sun"] = "09:00-11:00"
        if row["external_id"] == "kc-elder-xa-01":
            row["occupancy"] = "160"
    result = run(app, "import", write_csv(tmp_path / "changed.csv", rows))
    assert result.exit_code == 0, result.output
    assert f"0 created, 2 updated, {len(rows) - 2} unchanged" in result.output
    after = facilities(session)
    home, elder = after["kc-homecare-fmj-01"], after["kc-elder-xa-01"]
    assert home.phone == "0570-3025599" and home.opening_hours["sun"] == ["09:00-11:00"]
    assert elder.occupancy == 160
    assert {k: f.version for k, f in after.items()} == {
        k: 2 if k in ("kc-homecare-fmj-01", "kc-elder-xa-01") else 1 for k in before
    }
    updated = {e.facility_id: e for e in events(session, "updated")}
    assert set(updated) == {home.id, elder.id}
    sun_before = {**home.opening_hours, "sun": []}
    assert updated[home.id].before == {"phone": "0570-3025566", "opening_hours": sun_before}
    assert updated[home.id].after == {"phone": "0570-3025599", "opening_hours": home.opening_hours}
    assert updated[elder.id].before == {"occupancy": 152}
    assert updated[elder.id].after == {"occupancy": 160}
    assert updated[home.id].reason == "导入 changed.csv" and updated[home.id].actor_id is None


def test_a_moved_row_moves_in_the_redis_index(app, session, tmp_path):
    assert run(app, "import", JSON_SAMPLE).exit_code == 0
    items = sample_rows(JSON_SAMPLE)
    items[1] = {**items[1], "lat": 29.0400, "lng": 119.1800}
    assert run(app, "import", write_json(tmp_path / "moved.json", items)).exit_code == 0
    home = facilities(session)[items[1]["external_id"]]
    assert (home.lat, home.lng) == (29.04, 119.18)
    [(lng, lat)] = redis_of(app).geopos(geo_key("home_care"), home.id)
    assert geo.distance_m(lat, lng, 29.04, 119.18) < 1


# --- coordinates ----------------------------------------------------------------------------------


@BOTH_SAMPLES
def test_wgs84_rows_are_stored_in_gcj02(app, session, sample):
    assert run(app, "import", sample).exit_code == 0
    stored = facilities(session)
    for row in sample_rows(sample):
        lat, lng = float(row["lat"]), float(row["lng"])
        facility = stored[row["external_id"]]
        if row.get("coord_type") == "wgs84":
            expected = geo.wgs84_to_gcj02(lat, lng)
            assert facility.lat == pytest.approx(expected[0], abs=1e-7)
            assert facility.lng == pytest.approx(expected[1], abs=1e-7)
            # Near 衢州 the shift is about 580 m.
            assert 500 < geo.distance_m(lat, lng, facility.lat, facility.lng) < 700
        else:
            assert (facility.lat, facility.lng) == (lat, lng)


# --- the Redis index ------------------------------------------------------------------------------


def test_the_redis_index_holds_the_imported_rows_and_reindex_rebuilds_it(app, session):
    assert run(app, "import", CSV_SAMPLE).exit_code == 0
    assert run(app, "import", JSON_SAMPLE).exit_code == 0
    client = redis_of(app)
    stored = facilities(session)
    for facility in stored.values():
        [(lng, lat)] = client.geopos(geo_key(facility.type), facility.id)
        assert geo.distance_m(lat, lng, facility.lat, facility.lng) < 1
    live = session.scalar(
        select(func.count()).select_from(Facility).where(Facility.deleted_at.is_(None))
    )
    assert live == len(stored) == 13
    client.delete(*(geo_key(t) for t in FACILITY_TYPES))
    gen_before = int(client.get("facilities:gen") or 0)
    result = run(app, "reindex")
    assert result.exit_code == 0, result.output
    assert f"{live} facilities indexed" in result.output
    # and every facility card is retired: stamped with the new generation
    assert int(client.get("facilities:chg:all")) == int(client.get("facilities:gen")) > gen_before
    assert client.get(READY_KEY) == str(live)
    for facility_type in FACILITY_TYPES:
        expected = sum(1 for f in stored.values() if f.type == facility_type)
        assert client.zcard(geo_key(facility_type)) == expected
    for facility in stored.values():
        assert client.geopos(geo_key(facility.type), facility.id)[0] is not None


def test_an_import_while_redis_is_down_still_imports_and_the_index_catches_up(
    app, session, client, monkeypatch, caplog
):
    down = make_redis("redis://127.0.0.1:1/0")  # a closed port, configured as the app does
    monkeypatch.setitem(app.extensions, "minzheng.redis", down)
    result = run(app, "import", CSV_SAMPLE)
    assert result.exit_code == 0, result.output
    assert "7 created" in result.output
    assert "run `flask facilities reindex`" in caplog.text
    monkeypatch.undo()
    assert redis_of(app).keys("facilities:*") == []
    home = facilities(session)["kc-homecare-fmj-01"]
    # The index has no ready marker: the first search rebuilds it from the database.
    response = client.get(
        f"/api/v1/facilities/nearby?lat={home.lat}&lng={home.lng}&types=home_care&limit=1"
    )
    assert response.status_code == 200, response.json
    assert [item["id"] for item in response.json["items"]] == [home.id]
    assert response.json["items"][0]["distance_m"] == 0
    assert redis_of(app).exists(READY_KEY)


# --- the demo seed --------------------------------------------------------------------------------


def test_the_demo_facilities_have_the_seed_documents_counts_and_seeding_twice_changes_nothing(
    session,
):
    report = seed_facilities(session)
    session.flush()
    total = 271 + 112 + 6 + 106 + 492 + 2 + 1322
    assert (report.created, report.updated, report.unchanged) == (total, 0, 0)
    by_type = dict(
        session.execute(select(Facility.type, func.count()).group_by(Facility.type)).all()
    )
    assert by_type == {
        "home_care": 271,
        "elder_institution": 112,
        "elderly_service_centre": 6,
        "shelter": 106 + 492,
        "welfare_home": 2,
        "service_centre": 1322,
    }
    levels = dict(
        session.execute(
            select(Facility.shelter_level, func.count())
            .where(Facility.type == "shelter")
            .group_by(Facility.shelter_level)
        ).all()
    )
    assert levels == {"township": 106, "community": 492}
    beds = session.scalar(
        select(func.sum(Facility.capacity)).where(Facility.type == "elder_institution")
    )
    assert beds == 14_820
    assert (
        session.scalar(
            select(func.count())
            .select_from(Facility)
            .where(Facility.capacity_unit != "beds")
            .where(Facility.type == "elder_institution")
        )
        == 0
    )
    city_home = session.scalar(select(Facility).where(Facility.name == "衢州市社会福利院"))
    assert (city_home.type, city_home.occupancy) == ("welfare_home", 253)
    assert session.scalar(select(Facility).where(Facility.name == "衢州市儿童福利院")) is not None
    assert (
        session.scalar(
            select(func.count()).select_from(Facility).where(Facility.is_demo.is_(False))
        )
        == 0
    )
    assert all(
        geo.in_china(lat, lng) for lat, lng in session.execute(select(Facility.lat, Facility.lng))
    )
    events_before = session.scalar(select(func.count()).select_from(FacilityEvent))
    assert events_before == total
    versions = dict(session.execute(select(Facility.id, Facility.version)).all())

    again = seed_facilities(session)
    session.flush()
    assert (again.created, again.updated, again.unchanged) == (0, 0, total)
    assert session.scalar(select(func.count()).select_from(FacilityEvent)) == events_before
    session.expire_all()
    assert dict(session.execute(select(Facility.id, Facility.version)).all()) == versions
