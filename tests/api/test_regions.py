def test_the_city_lists_its_six_counties_without_login(client):
    response = client.get("/api/v1/regions?parent=330800")
    assert response.status_code == 200
    assert [(r["code"], r["name"]) for r in response.json] == [
        ("330802", "柯城区"),
        ("330803", "衢江区"),
        ("330822", "常山县"),
        ("330824", "开化县"),
        ("330825", "龙游县"),
        ("330881", "江山市"),
    ]


def test_a_county_lists_its_townships_and_they_their_communities(client):
    townships = client.get("/api/v1/regions?parent=330802").json
    names = [t["name"] for t in townships]
    assert "府山街道" in names and "信安街道" in names
    fushan = next(t for t in townships if t["name"] == "府山街道")
    communities = client.get(f"/api/v1/regions?parent={fushan['code']}").json
    assert communities and all(c["level"] == "community" for c in communities)


def test_depth_nests_the_tree(client):
    tree = client.get("/api/v1/regions?parent=330800&depth=3").json
    assert all(county["children"] for county in tree)
    assert all(t["children"] for county in tree for t in county["children"])


def test_without_parent_the_top_level_is_listed(client):
    assert [r["name"] for r in client.get("/api/v1/regions").json] == ["浙江省"]


def test_one_region(client):
    assert client.get("/api/v1/regions/330881").json["name"] == "江山市"


def test_unknown_regions_are_404(client):
    assert client.get("/api/v1/regions/999999").status_code == 404
    response = client.get("/api/v1/regions?parent=999999")
    assert response.status_code == 404 and response.json["error"] == "region_not_found"


def test_bad_depth_is_422_naming_it(client):
    response = client.get("/api/v1/regions?parent=330800&depth=9")
    assert response.status_code == 422 and "depth" in response.json["errors"]["query"]
