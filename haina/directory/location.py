"""A location shared in the chat: `{lat, lon}` (or latitude/longitude, x/y as WeChat names them)
as a checked (lat, lon) pair, or None when it is not a place on Earth."""

from __future__ import annotations

import math
from typing import Any


def parse_location(value: Any) -> tuple[float, float] | None:
    """(lat, lon) from {"lat", "lon"} / {"latitude", "longitude"} / "lat,lon"; None if unusable."""
    lat: Any
    lon: Any
    if isinstance(value, dict):
        lat = value.get("lat", value.get("latitude"))
        lon = value.get("lon", value.get("lng", value.get("longitude")))
    elif isinstance(value, str) and value.count(",") == 1:
        lat, lon = value.split(",")
    else:
        return None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon
