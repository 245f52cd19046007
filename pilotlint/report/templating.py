"""Jinja2 environments for Markdown (the summary) and YAML (the scaffolding).

Templates live in one place, `pilotlint/templates/`. Both environments have HTML
autoescaping OFF — it is the wrong escaping for either format — and instead escape
every `{{ value }}` for the format the template writes:

- Markdown: `markdown.md` is applied to every value that is not marked safe
  (`markupsafe.Markup`, which only this module's filters return for text they built
  from already escaped pieces, numbers and dates).
- YAML: every text value becomes a double-quoted YAML scalar; numbers, booleans and None
  become YAML literals.

Custom templates (`summary --template FILE`) run in Jinja2's sandbox with the same
escaping, so a template written for the default context cannot be tricked by document
text either.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

from markupsafe import Markup

from pilotlint.report.markdown import md, md_code, md_message, mermaid_label
from pilotlint.resources import data_dir


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(value, digits: int = 2) -> str:
    """A number for people: thousands separated, no trailing zeros (`1,540`, `3.2`)."""
    if not _is_number(value):
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def _md_finalize(value):
    if isinstance(value, Markup):
        return str(value)
    if _is_number(value):
        return number(value)
    if isinstance(value, date):
        return value.isoformat()
    return md(value)


def _mermaid_strings(values) -> Markup:
    return Markup("[" + ", ".join(f'"{mermaid_label(v)}"' for v in values) + "]")


def _mermaid_numbers(values) -> Markup:
    out = []
    for value in values:
        value = value if _is_number(value) else 0
        out.append(repr(round(value, 2)) if isinstance(value, float) else str(int(value)))
    return Markup("[" + ", ".join(out) + "]")


def _plain_number(value) -> Markup:
    if not _is_number(value):
        return Markup("0")
    return Markup(repr(round(value, 2)) if isinstance(value, float) and not value.is_integer() else str(int(value)))


def markdown_environment(template_file: Path | None = None):
    """The environment for Markdown templates (the packaged ones, or a user's file)."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    search = [str(data_dir("templates"))]
    if template_file is not None:
        search.insert(0, str(template_file.parent))
    env = SandboxedEnvironment(loader=FileSystemLoader(search), autoescape=False, finalize=_md_finalize,
                               undefined=StrictUndefined if template_file is None else _lenient_undefined(),
                               keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({
        "md": lambda v: Markup(md(v)),
        "code": lambda v: Markup(md_code(v)),
        "message": lambda v: Markup(md_message(v)),
        "num": lambda v, digits=2: Markup(number(v, digits)),
        "mlabel": lambda v: Markup(mermaid_label(v)),
        "mstrings": _mermaid_strings,
        "mnumbers": _mermaid_numbers,
        "mnumber": _plain_number,
    })
    return env


def _lenient_undefined():
    from jinja2 import ChainableUndefined

    return ChainableUndefined


def render_markdown(name: str, context: dict, template_file: Path | None = None) -> str:
    env = markdown_environment(template_file)
    template = env.get_template(template_file.name if template_file is not None else name)
    return template.render(**context)


# --- YAML ---------------------------------------------------------------------------------

def yaml_scalar(value) -> str:
    """A value as one YAML flow scalar: text double-quoted with every character that YAML
    could read differently escaped; numbers, booleans and None as literals."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, date):
        return f'"{value.isoformat()}"'
    text = value if isinstance(value, str) else str(value)
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif 0x20 <= code < 0x7f or (code >= 0xa0 and char.isprintable() and code not in (0xfeff,)):
            out.append(char)
        elif code <= 0xff:
            out.append(f"\\x{code:02x}")
        elif code <= 0xffff:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _yaml_finalize(value):
    if isinstance(value, Markup):
        return str(value)
    return yaml_scalar(value)


def yaml_environment():
    from jinja2 import FileSystemLoader, StrictUndefined

    from jinja2 import Environment

    env = Environment(loader=FileSystemLoader(str(data_dir("templates"))), autoescape=False,
                      finalize=_yaml_finalize, undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update({"raw": _comment_text, "key": yaml_key, "flow": yaml_flow})
    return env


def _comment_text(value) -> Markup:
    """Text for inside a YAML comment: one line, no control characters."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return Markup("".join(c if c.isprintable() else " " for c in text))


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def yaml_key(value) -> Markup:
    """A mapping key: plain when it is a simple word YAML reads the same everywhere, else quoted."""
    text = str(value)
    if _PLAIN_KEY.fullmatch(text) and text.lower() not in _YAML11_WORDS:
        return Markup(text)
    return Markup(yaml_scalar(text))


def yaml_flow(value) -> Markup:
    """A value as one line of YAML flow style (mappings, lists and scalars, every text quoted)."""
    if isinstance(value, dict):
        return Markup("{" + ", ".join(f"{yaml_key(k)}: {yaml_flow(v)}" for k, v in value.items()) + "}")
    if isinstance(value, list):
        return Markup("[" + ", ".join(yaml_flow(v) for v in value) + "]")
    return Markup(yaml_scalar(value))


def render_yaml(name: str, context: dict) -> str:
    return yaml_environment().get_template(name).render(**context)
