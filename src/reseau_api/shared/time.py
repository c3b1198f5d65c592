"""The network's time zone: dates shown to people (opening hours, "updated on") are French local time."""

from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
