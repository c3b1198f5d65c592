"""Open data in and out: bulk import (CSV/GeoJSON, mappings, reports) and exports (CSV, GeoJSON,
schema.org JSON-LD, the national "lieux de médiation numérique" schema)."""
