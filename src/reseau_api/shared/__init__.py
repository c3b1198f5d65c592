"""Value types and vocabularies used by several domains (below the domains, above core)."""
