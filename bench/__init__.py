"""National-scale data generator and benchmarks for theodoi (see bench/README.md)."""
