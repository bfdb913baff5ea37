"""Running a team's own feature function on each model (entry-point cases).

`handoff` gives the function its model, `run` calls it within its bounds under the
case's cassette, and `calls` reads what it sent to the API on the way.
"""
