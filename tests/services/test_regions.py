import pytest

from server.errors import NotFound
from server.services import regions


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("33", "33"),
        ("330000", "33"),
        ("330800", "3308"),
        ("330802", "330802"),
        ("330802001", "330802001"),
        ("330802001001", "330802001001"),
        ("330802000000", "330802"),
    ],
)
def test_scope_prefix(code, prefix):
    assert regions.scope_prefix(code) == prefix


@pytest.mark.parametrize(
    ("region", "scope", "inside"),
    [
        ("330802001001", "330802001", True),
        ("330802001001", "330802", True),
        ("330802001001", "330800", True),
        ("330803001001", "330802", False),
        ("330802002001", "330802001", False),
        ("330802", "330802001", False),
        ("330802", "330802", True),
        (None, "330802", False),
        ("330802", None, False),
    ],
)
def test_is_within(region, scope, inside):
    assert regions.is_within(region, scope) is inside


def test_children_of_the_city_are_its_six_counties(session):
    counties = regions.list_children(session, parent_code="330800")
    assert [c["name"] for c in counties] == [
        "柯城区",
        "衢江区",
        "常山县",
        "开化县",
        "龙游县",
        "江山市",
    ]
    assert "children" not in counties[0]


def test_children_nest_to_the_depth_asked(session):
    tree = regions.list_children(session, parent_code="330800", depth=3)
    kecheng = tree[0]
    fushan = next(t for t in kecheng["children"] if t["name"] == "府山街道")
    assert [c["name"] for c in fushan["children"]][0] == "坊门街社区"
    assert "children" not in fushan["children"][0]


def test_unknown_parent_is_not_found(session):
    with pytest.raises(NotFound):
        regions.list_children(session, parent_code="999999")


def test_ancestors_run_from_the_province_down(session):
    chain = regions.ancestors(session, code="330802001001")
    assert [r.level for r in chain] == ["province", "city", "county", "township", "community"]
