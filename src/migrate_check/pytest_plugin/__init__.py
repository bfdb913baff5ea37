"""The pytest wiring: options, collection, the run's state, xdist and the summary.

In: pytest's hooks and the command line. Out: one item per case, its pass or fail, and
the reports written once the session ends. The `pytest11` entry point is `plugin`.
"""
