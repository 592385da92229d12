#!/usr/bin/env python3
"""Daily weather for a place, from Open-Meteo."""
from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta

import requests

GEOCODING = "https://geocoding-api.open-meteo.com/v1/search"
FORECAST = "https://api.open-meteo.com/v1/forecast"
ARCHIVE = "https://archive-api.open-meteo.com/v1/archive"
DAILY = "temperature_2m_max,temperature_2m_min,precipitation_sum,wind_speed_10m_max"
TIMEOUT = 10


def locate(place: str) -> tuple[float, float, str]:
    if "," in place:
        lat, lon = (float(part) for part in place.split(",", 1))
        return lat, lon, place
    response = requests.get(GEOCODING, params={"name": place, "count": 1}, timeout=TIMEOUT)
    response.raise_for_status()
    results = response.json().get("results") or []
    if not results:
        raise SystemExit(f"no place called {place!r} found")
    hit = results[0]
    return hit["latitude"], hit["longitude"], f"{hit['name']}, {hit.get('country', '?')}"


def daily(lat: float, lon: float, start: date, end: date, fahrenheit: bool) -> dict:
    url = ARCHIVE if end < date.today() else FORECAST
    params = {
        "latitude": lat,
        "longitude": lon,
        "daily": DAILY,
        "timezone": "auto",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
    }
    if fahrenheit:
        params["temperature_unit"] = "fahrenheit"
    response = requests.get(url, params=params, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()["daily"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("place", help='a place name or "lat,lon"')
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--past", type=date.fromisoformat, help="a past date, YYYY-MM-DD")
    parser.add_argument("--fahrenheit", action="store_true")
    args = parser.parse_args()

    lat, lon, label = locate(args.place)
    start = args.past or date.today()
    end = start if args.past else start + timedelta(days=max(args.days, 1) - 1)
    data = daily(lat, lon, start, end, args.fahrenheit)
    unit = "°F" if args.fahrenheit else "°C"
    print(f"{label} ({lat:.2f}, {lon:.2f})")
    print(f"{'date':<12}{'min':>7}{'max':>7}{'rain mm':>9}{'wind km/h':>11}")
    for i, day in enumerate(data["time"]):
        print(
            f"{day:<12}{data['temperature_2m_min'][i]:>6.1f}{unit[-1]}"
            f"{data['temperature_2m_max'][i]:>6.1f}{unit[-1]}"
            f"{data['precipitation_sum'][i]:>9.1f}{data['wind_speed_10m_max'][i]:>11.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
