"""Values that land inside HTML: JSON for a `<script>` element (JSON-LD, page configuration)."""

import json
from typing import Any

# `<`, `>` and `&` as JSON escapes: `</script>` or `<!--` inside a string can then never end or change the
# element, in HTML or XHTML; U+2028/U+2029 too, for the scripts that eval JSON as JavaScript. JSON parsers
# read the same value back.
_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                          "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: Any) -> str:
    """`value` as JSON text safe to place inside `<script type="application/…json">…</script>` unchanged."""
    return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
