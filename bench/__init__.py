"""Haina's benchmarks: `python -m bench [load|nlu|all]`, results in bench/results.md, raw JSON in bench/out/."""
