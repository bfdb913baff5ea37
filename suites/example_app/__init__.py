"""A tiny stand-in for a team's application: the code that consumes the model's answers."""
