"""What the tests share that is not a test: a browser, graded cases, a team's callables."""
