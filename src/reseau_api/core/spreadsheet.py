"""CSV cells that spreadsheets cannot run: the one escaping rule of every CSV the API writes.

A text cell starting with `=`, `+`, `-`, `@`, tab or carriage return is a formula to Excel, LibreOffice
and Google Sheets (`=HYPERLINK(…)`, `@SUM(…)`): such a cell is written with a leading `'`, which the
spreadsheet shows as text (OWASP "CSV injection"). A cell that starts with `'` gets one more, so the rule can
be undone without ambiguity: the importers call `unescape_cell`, and export -> import gives back the
original value. Numbers are left as they are, as values (a longitude of -0.3) and as text made of digits,
spaces, `.` and `,` only (a phone number `+33 5 61 00 00 00`): without a letter, a formula can call no
function and name no cell.
"""

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*FORMULA_STARTS, "'")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 .,]*")


def escape_cell(value: Any) -> Any:
    """`value` as a CSV cell: text that a spreadsheet would evaluate is prefixed with `'`."""
    if isinstance(value, str) and value.startswith(_ESCAPED_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """The value `escape_cell` was given, for a cell read from a CSV file."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(_ESCAPED_STARTS):
        return text[1:]
    return text
