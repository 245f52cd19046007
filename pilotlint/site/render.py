"""HTML rendering: a Jinja2 environment with autoescaping on, the style sheet, the CSP.

Unlike Markdown (pilotlint.report.templating), HTML is exactly what Jinja2's autoescaping is
for: every `{{ value }}` is escaped unless it is `Markup` — which only `charts` returns,
for SVG it built from escaped pieces. Text is made one line with hidden characters
(bidirectional overrides, control and tag characters) shown as `[U+202E]` markers first,
as in every other output of pilotlint, so text cannot reorder what is around it.

The style sheet is inlined in every page (one file opens on its own, from disk or an
email), and the Content-Security-Policy allows exactly that style element, by its hash:
no script, no remote style, font, image or frame, no form target, no `<base>`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from functools import cache

from markupsafe import Markup

from pilotlint.report.markdown import _plain
from pilotlint.resources import data_dir
from pilotlint.report.templating import number

TEMPLATES = "site"


def _finalize(value):
    if isinstance(value, Markup):
        return value
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, date):
        return value.isoformat()
    return _plain(value)


@cache
def stylesheet() -> str:
    return (data_dir("templates") / TEMPLATES / "site.css").read_text(encoding="utf-8")


def content_security_policy(css: str) -> str:
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
            "base-uri 'none'; form-action 'none'")


@cache
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(data_dir("templates") / TEMPLATES)), autoescape=True,
                      finalize=_finalize, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    css = stylesheet()
    from pilotlint import __version__

    env.globals.update({"css": Markup(css), "csp": content_security_policy(css), "version": __version__,
                        "verdict_marks": {"expand": "✓", "fix": "~", "stop": "✕", "unknown": "?"}})
    env.filters["num"] = lambda value, digits=2: number(value, digits)
    return env


def render(name: str, **context) -> str:
    return environment().get_template(name).render(**context)
