"""Fuzz the YAML loader with atheris (libFuzzer for Python). Not collected by pytest.

The property: on any bytes, `read_text` + `load_text` either return plain JSON values or
raise `LoadError` — never another exception, never a crash of the process (libyaml is
C: a crash here is a segfault, which libFuzzer reports with the input that caused it).

    pip install atheris
    python tests/fuzz/fuzz_load.py -max_total_time=300 -rss_limit_mb=1024 tests/fuzz/corpus

See tests/fuzz/README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports():
    import yaml  # noqa: F401  (the Python side of PyYAML is instrumented too)

    from pilotlint.documents.load import DEFAULT_LIMITS, LDict, LList, LoadError, load_text, read_text

LIMITS = dict(DEFAULT_LIMITS, max_file_bytes=65536)


def _check(value) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            assert isinstance(item, LDict) and all(isinstance(k, str) for k in item), item
            stack.extend(item.values())
        elif isinstance(item, list):
            assert isinstance(item, LList)
            stack.extend(item)
        else:
            assert item is None or isinstance(item, (str, bool, int, float)), type(item)


def test_one_input(data: bytes) -> None:
    try:
        loaded = load_text(read_text(data, LIMITS), LIMITS)
    except LoadError as exc:
        assert exc.rule in ("PL001", "PL003", "PL008"), exc.rule
        return
    _check(loaded.data)
    json.dumps(loaded.data, allow_nan=False)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
