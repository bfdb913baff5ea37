"""The report's outputs, each written from the one `RunReport`: JSON, Markdown, HTML, terminal.

In: the `RunReport` (and where to write). Out: report.json (valid against the shipped
`report.schema.json`), report.md and comment.md, one self-contained report.html, and the
lines of the terminal summary; untrusted text escaped for each.
"""
