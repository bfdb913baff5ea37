"""Recordings: one vcrpy cassette per case per model, stored, read back and parsed.

In: cases and their recorded exchanges. Out: cassette files safe to commit, the
`Completion`s a recorded answer holds, and the recordings no suite uses any more.
"""
