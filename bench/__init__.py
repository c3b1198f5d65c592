"""The reproducible performance benchmark of reseau-api (`make bench`); see bench/README.md."""
