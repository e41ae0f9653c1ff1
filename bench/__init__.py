"""Benchmarks: run each as `python -m bench.<name>`; results go in docs/benchmarks.md."""
