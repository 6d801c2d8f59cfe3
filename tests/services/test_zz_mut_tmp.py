import inspect, textwrap
import pytest
from hypothesis import settings
from server.services import facility_search as fs
from tests.services import test_facility_search as t

MUTATIONS = {
    "stop_early": ("if len(hits) >= limit or r >= radius_m:", "if len(hits) >= 1 or r >= radius_m:"),
    "tie": ("(hit.distance_m, hit.facility.id)", "(hit.distance_m, -hit.facility.id)"),
}

@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mut(name, session, app, monkeypatch):
    old, new = MUTATIONS[name]
    src = textwrap.dedent(inspect.getsource(fs._widen))
    assert old in src
    ns = dict(vars(fs))
    exec(src.replace(old, new), ns)
    monkeypatch.setattr(fs, "_widen", ns["_widen"])
    client = app.extensions["minzheng.redis"]
    f = settings(database=None)(t.test_redis_database_and_brute_force_agree)
    with pytest.raises(AssertionError) as info:
        f(session=session, client=client)
    print(name, str(info.value)[:300])
