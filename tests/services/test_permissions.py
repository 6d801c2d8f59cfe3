import pytest

from server.errors import Forbidden, NotFound
from server.services.permissions import in_scope, level_at_least, require
from server.services.users import Principal

resident = Principal(id=1, roles=("resident",))
community = Principal(2, ("resident", "worker"), None, "community", "330802001001")
township = Principal(3, ("resident", "worker"), None, "township", "330802001")
county = Principal(4, ("resident", "worker"), None, "county", "330802")
admin = Principal(5, ("resident", "admin"))


def test_a_resident_is_refused_a_worker_action():
    with pytest.raises(Forbidden):
        require(resident, roles=("worker",))


def test_a_worker_one_level_too_low_is_refused():
    with pytest.raises(Forbidden) as caught:
        require(community, roles=("worker",), min_level="township")
    assert caught.value.error == "level_too_low"
    require(township, roles=("worker",), min_level="township")
    require(county, roles=("worker",), min_level="township")


def test_an_object_outside_the_scope_is_not_found():
    with pytest.raises(NotFound):
        require(township, roles=("worker",), region_code="330802002001", check_scope=True)
    require(township, roles=("worker",), region_code="330802001002", check_scope=True)


def test_admins_pass_every_check():
    require(admin, roles=("worker",), min_level="city", region_code="330881001", check_scope=True)
    assert in_scope(admin, "330881")


def test_levels_are_ordered():
    assert level_at_least(county, "township")
    assert not level_at_least(township, "county")
    assert not level_at_least(resident, "community")
