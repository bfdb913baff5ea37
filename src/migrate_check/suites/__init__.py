"""Suite files: `suites/**/*.yaml` loaded, validated and expanded into cases.

In: suite files (and prompt files beside them). Out: a `Suite` of `Case`s, per side and
per candidate variant, or a `SuiteError` naming the file, line and case.
"""
