"""Development tools kept out of the wheel: the local OpenAI-compatible server and
synthetic runs. Importable from the repository root (pytest's `pythonpath`, and the
benchmarks and scripts put the root on `sys.path`)."""
