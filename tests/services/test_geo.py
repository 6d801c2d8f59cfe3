"""WGS-84 ↔ GCJ-02, distances and bounding boxes (server/services/geo.py).

The reference pairs below were computed with the `eviltransform` package (PyPI, 0.1.1), an
implementation written independently of ours. It uses the WGS-84 semi-major axis (6378137 m)
where POLICY.md names Krasovsky's (6378245 m): the two differ by about 1 cm in a 500 m shift, so
the pairs are checked to 3 cm. The test also carries its own re-arranged transform (written from
POLICY.md's description) and checks ours against it to the nanodegree.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.extensions import redis_client
from server.services import geo

# name: (WGS-84 lat, lng) -> GCJ-02 (lat, lng), from eviltransform.wgs2gcj
REFERENCE = {
    "tiananmen": ((39.908692, 116.397477), (39.910095518, 116.403720673)),
    "quzhou": ((28.9597, 118.8594), (28.956606044, 118.864193844)),
    "shanghai": ((31.2304, 121.4737), (31.228457705, 121.478223136)),
    "shenzhen": ((22.5431, 114.0579), (22.540382768, 114.063014085)),
    "urumqi": ((43.8256, 87.6168), (43.826805414, 87.619649998)),
    "lhasa": ((29.652, 91.1721), (29.649210447, 91.173567397)),
    "mohe": ((53.4, 122.3), (53.401908621, 122.307342569)),
    "sanya": ((18.2528, 109.5119), (18.251094763, 109.515984364)),
}

# Inside the rectangle of POLICY.md, with a margin: on the rectangle's edge the transform itself
# jumps (one side shifted by hundreds of metres, the other not), so no round trip holds there.
CHINA_LAT = st.floats(min_value=1.0, max_value=55.6)
CHINA_LNG = st.floats(min_value=72.2, max_value=137.6)


def reference_wgs_to_gcj(lat: float, lng: float) -> tuple[float, float]:
    """POLICY.md's transform, arranged differently from the server's (shared terms first)."""
    if not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lat, lng
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lng - 105.0, lat - 35.0
    common = 20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)
    t_lat = common + 20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y * math.pi / 3.0)
    t_lng = common + 20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x * math.pi / 3.0)
    t_lat += 160.0 * math.sin(y * math.pi / 12.0) + 320.0 * math.sin(y * math.pi / 30.0)
    t_lng += 150.0 * math.sin(x * math.pi / 12.0) + 300.0 * math.sin(x * math.pi / 30.0)
    t_lat = t_lat * 2.0 / 3.0 - 100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
    t_lat += 0.2 * math.sqrt(abs(x))
    t_lng = t_lng * 2.0 / 3.0 + 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
    t_lng += 0.1 * math.sqrt(abs(x))
    phi = math.radians(lat)
    w = 1.0 - ee * math.sin(phi) ** 2
    meridian_radius = a * (1.0 - ee) / (w * math.sqrt(w))
    normal_radius = a / math.sqrt(w)
    d_lat = math.degrees(t_lat / meridian_radius)
    d_lng = math.degrees(t_lng / (normal_radius * math.cos(phi)))
    return lat + d_lat, lng + d_lng


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_wgs84_to_gcj02_matches_the_reference_pairs(name):
    wgs, expected = REFERENCE[name]
    got = geo.wgs84_to_gcj02(*wgs)
    assert geo.distance_m(*got, *expected) < 0.03, (name, got, expected)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_gcj02_to_wgs84_inverts_the_reference_pairs(name):
    wgs, gcj = REFERENCE[name]
    got = geo.gcj02_to_wgs84(*gcj)
    assert geo.distance_m(*got, *wgs) < 0.05, (name, got, wgs)


def test_the_often_quoted_tiananmen_pair_holds_to_a_metre():
    # The pair usually quoted in documentation: WGS-84 (39.908692, 116.397477) is shown on
    # GCJ-02 maps at about (39.910093, 116.403719).
    got = geo.wgs84_to_gcj02(39.908692, 116.397477)
    assert geo.distance_m(*got, 39.910093, 116.403719) < 1.0


def test_the_shift_at_quzhou_is_about_580_metres():
    for wgs in [(28.9597, 118.8594), (28.97, 118.87), (28.94, 118.90)]:
        shift = geo.distance_m(*wgs, *geo.wgs84_to_gcj02(*wgs))
        assert 560 < shift < 600, (wgs, shift)
    # and the GCJ-02 point lies to the south-east of the GPS one there
    lat, lng = geo.wgs84_to_gcj02(28.9597, 118.8594)
    assert lat < 28.9597 and lng > 118.8594


@given(lat=CHINA_LAT, lng=CHINA_LNG)
@settings(max_examples=300, deadline=None)
def test_the_transform_matches_an_independent_implementation(lat, lng):
    ours = geo.wgs84_to_gcj02(lat, lng)
    theirs = reference_wgs_to_gcj(lat, lng)
    assert ours == pytest.approx(theirs, abs=1e-9)
    # and it shifts by something between a few metres and a kilometre, everywhere in China
    assert 1.0 < geo.distance_m(lat, lng, *ours) < 1200.0


@given(lat=CHINA_LAT, lng=CHINA_LNG)
@settings(max_examples=300, deadline=None)
def test_round_trip_gcj_wgs_gcj_within_half_a_metre(lat, lng):
    wgs = geo.gcj02_to_wgs84(lat, lng)
    back = geo.wgs84_to_gcj02(*wgs)
    assert geo.distance_m(lat, lng, *back) < 0.5
    # the reverse really moved the point (it is not the identity)
    assert geo.distance_m(lat, lng, *wgs) > 1.0


@given(lat=CHINA_LAT, lng=CHINA_LNG)
@settings(max_examples=300, deadline=None)
def test_round_trip_wgs_gcj_wgs_within_half_a_metre(lat, lng):
    gcj = geo.wgs84_to_gcj02(lat, lng)
    back = geo.gcj02_to_wgs84(*gcj)
    assert geo.distance_m(lat, lng, *back) < 0.5


@pytest.mark.parametrize(
    "point",
    [
        (51.5074, -0.1278),  # London
        (35.6762, 139.6503),  # Tokyo: east of 137.8347
        (-33.8688, 151.2093),  # Sydney
        (0.5, 110.0),  # south of 0.8293
        (56.0, 100.0),  # north of 55.8271
        (40.0, 71.9),  # west of 72.004
        (-90.0, -180.0),
        (90.0, 180.0),
    ],
)
def test_no_shift_outside_china(point):
    assert not geo.in_china(*point)
    assert geo.wgs84_to_gcj02(*point) == point
    assert geo.gcj02_to_wgs84(*point) == point
    assert geo.to_gcj02(*point, "wgs84") == point


def test_the_rectangle_edges_belong_to_china():
    assert geo.in_china(0.8293, 72.004)
    assert geo.in_china(55.8271, 137.8347)
    assert not geo.in_china(0.8292, 100.0)
    assert not geo.in_china(30.0, 137.8348)
    # on the edge the point is shifted
    assert geo.wgs84_to_gcj02(30.0, 72.004) != (30.0, 72.004)


def test_to_gcj02_converts_only_wgs84():
    point = (28.9597, 118.8594)
    assert geo.to_gcj02(*point, "gcj02") == point
    assert geo.to_gcj02(*point, "wgs84") == geo.wgs84_to_gcj02(*point)
    assert geo.to_gcj02(*point, "wgs84") != point


# --- distances and boxes ------------------------------------------------------------------------


def test_distance_of_one_degree_along_a_meridian():
    expected = geo.EARTH_RADIUS_M * math.pi / 180  # 111 226.30 m with Redis's radius
    assert geo.distance_m(28.0, 118.0, 29.0, 118.0) == pytest.approx(expected, abs=1e-6)
    assert geo.distance_m(28.0, 118.0, 29.0, 118.0) == pytest.approx(111226.30, abs=0.01)
    assert geo.distance_m(28.9, 118.8, 28.9, 118.8) == 0.0
    # antipodes: half the circumference (haversine loses a little precision there), and no
    # math domain error from rounding above 1
    assert geo.distance_m(10.0, 20.0, -10.0, -160.0) == pytest.approx(
        math.pi * geo.EARTH_RADIUS_M, abs=1.0
    )


@given(
    lat1=st.floats(28.5, 29.5),
    lng1=st.floats(118.5, 119.5),
    lat2=st.floats(28.5, 29.5),
    lng2=st.floats(118.5, 119.5),
)
@settings(max_examples=50, deadline=None)
def test_distance_agrees_with_redis_geodist(app, lat1, lng1, lat2, lng2):
    """Redis (or fakeredis) computes the same haversine; it stores 52-bit geohashes (~0.6 m)."""
    with app.app_context():
        client = redis_client.client
        client.delete("test:geo:dist")
        client.geoadd("test:geo:dist", (lng1, lat1, "a"))
        client.geoadd("test:geo:dist", (lng2, lat2, "b"))
        redis_distance = client.geodist("test:geo:dist", "a", "b", unit="m")
        client.delete("test:geo:dist")
    assert redis_distance == pytest.approx(geo.distance_m(lat1, lng1, lat2, lng2), abs=1.5)


@given(
    lat=st.floats(1.0, 55.0),
    lng=st.floats(73.0, 135.0),
    radius=st.floats(1.0, 50_000.0),
    bearing=st.floats(0.0, 2 * math.pi),
    fraction=st.floats(0.0, 1.0),
)
@settings(max_examples=300, deadline=None)
def test_bounding_box_holds_every_point_of_the_circle(lat, lng, radius, bearing, fraction):
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, radius)
    # a point at distance fraction * radius in direction `bearing` (great-circle destination)
    delta = fraction * radius / geo.EARTH_RADIUS_M
    phi1, lam1 = math.radians(lat), math.radians(lng)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(bearing)
    )
    lam2 = lam1 + math.atan2(
        math.sin(bearing) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    p_lat, p_lng = math.degrees(phi2), math.degrees(lam2)
    assert geo.distance_m(lat, lng, p_lat, p_lng) == pytest.approx(fraction * radius, abs=1e-3)
    assert min_lat <= p_lat <= max_lat
    assert min_lng <= p_lng <= max_lng


def test_bounding_box_is_not_wastefully_large():
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(28.96, 118.87, 1000)
    lat_span_m = geo.distance_m(min_lat, 118.87, max_lat, 118.87)
    lng_span_m = geo.distance_m(28.96, min_lng, 28.96, max_lng)
    assert 2000 <= lat_span_m < 2010
    assert 2000 <= lng_span_m < 2010
