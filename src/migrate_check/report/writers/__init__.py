"""The report's outputs, each written from the one `RunReport`: JSON, Markdown, HTML, terminal."""
