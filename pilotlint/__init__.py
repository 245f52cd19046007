"""pilotlint: keep AI pilots under control the way code is kept under control, in git."""

__version__ = "0.2.0"
