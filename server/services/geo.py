"""Coordinates: WGS-84 ↔ GCJ-02, distances and bounding boxes.

WeChat's `wx.getLocation({type: 'gcj02'})`, `<map>` and `wx.openLocation` all speak GCJ-02, so
positions are stored in GCJ-02; a phone that sends WGS-84 (a GPS reading) is converted first.
The transform is the usual one on the Krasovsky ellipsoid; there is no shift outside China.
"""

from __future__ import annotations

import math

# Krasovsky 1940, as the GCJ-02 transform uses it.
_A = 6378245.0
_EE = 0.00669342162296594323

# The rectangle the transform applies in (POLICY.md).
CHINA_LNG = (72.004, 137.8347)
CHINA_LAT = (0.8293, 55.8271)

# Redis computes GEO distances with this radius; using the same one here makes both index paths
# and the brute-force check agree to the millimetre.
EARTH_RADIUS_M = 6372797.560856


def in_china(lat: float, lng: float) -> bool:
    return CHINA_LNG[0] <= lng <= CHINA_LNG[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """(lat, lng) in GCJ-02 for a WGS-84 position; unchanged outside China."""
    if not in_china(lat, lng):
        return lat, lng
    d_lat = _transform_lat(lng - 105.0, lat - 35.0)
    d_lng = _transform_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float, *, iterations: int = 4) -> tuple[float, float]:
    """(lat, lng) in WGS-84 for a GCJ-02 position, by fixed-point iteration (well under 1 cm
    after four rounds); unchanged outside China."""
    if not in_china(lat, lng):
        return lat, lng
    wgs_lat, wgs_lng = lat, lng
    for _ in range(iterations):
        g_lat, g_lng = wgs84_to_gcj02(wgs_lat, wgs_lng)
        wgs_lat += lat - g_lat
        wgs_lng += lng - g_lng
    return wgs_lat, wgs_lng


def to_gcj02(lat: float, lng: float, coord_type: str) -> tuple[float, float]:
    """A position as GCJ-02, whichever system the phone used."""
    if coord_type == "wgs84":
        return wgs84_to_gcj02(lat, lng)
    return lat, lng


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine, Redis's Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d_lat = p2 - p1
    d_lng = math.radians(lng2 - lng1)
    h = math.sin(d_lat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_lng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) of a box that holds every point within `radius_m`
    (a little generous, never short)."""
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.001
    # The widest longitude span of the circle is at the latitude nearest the pole.
    pole_lat = min(89.9, abs(lat) + d_lat)
    d_lng = d_lat / max(math.cos(math.radians(pole_lat)), 1e-6)
    return lat - d_lat, lat + d_lat, lng - d_lng, lng + d_lng
