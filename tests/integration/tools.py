"""Find the real tools the integration tests drive (installed by install-tools.sh).

A tool that is missing skips its tests with the reason and the install command, on a
developer's machine; under CI (CI=true) a missing tool fails the test instead, so a
broken install can never turn into a green run that tested nothing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

INSTALL = "bash tests/integration/install-tools.sh"
TOOLS = Path(os.environ.get("PILOTLINT_TOOLS") or Path(os.environ.get("HOME", "/tmp")) / ".cache/pilotlint-tools")
NPM_MODULES = TOOLS / "npm" / "node_modules"


def missing(what: str) -> None:
    reason = f"{what} is not installed; run `{INSTALL}`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the integration tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def python_tool(name: str) -> str:
    """pre-commit, check-jsonschema, zizmor: from the tools venv, else from PATH."""
    candidate = TOOLS / "venv" / "bin" / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    missing(name)


def node() -> str:
    found = shutil.which("node")
    if not found:
        missing("node")
    return found


def npm_package(name: str) -> Path:
    """The folder of an npm package installed under the tools folder."""
    folder = NPM_MODULES / name
    if not (folder / "package.json").is_file():
        missing(f"the npm package {name}")
    return folder


def sarif_multitool() -> list[str]:
    """The validator's command, as `npx @microsoft/sarif-multitool` would run it."""
    npm_package("@microsoft/sarif-multitool")
    native = NPM_MODULES / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    if native.is_file():
        if not os.access(native, os.X_OK):
            native.chmod(0o755)
        return [str(native)]
    return [node(), str(NPM_MODULES / ".bin" / "sarif-multitool")]


def chromium() -> tuple[str, str]:
    """Debian's chromium and its chromedriver (apt-get install chromium chromium-driver):
    the real browser, never one that a tool downloads for itself."""
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver") if os.access(p, os.X_OK)), None)
    if not browser or not driver:
        missing("chromium and chromium-driver")
    return browser, driver


def java() -> str:
    found = shutil.which("java")
    if not found:
        missing("java (default-jre-headless)")
    return found


def vnu() -> list[str]:
    """The Nu HTML Checker from npm's vnu-jar, run with Java."""
    jar = npm_package("vnu-jar") / "build" / "dist" / "vnu.jar"
    if not jar.is_file():
        missing("the npm package vnu-jar")
    return [java(), "-jar", str(jar)]
def yaml_language_server() -> list[str]:
    """The command that starts yaml-language-server on stdio."""
    folder = npm_package("yaml-language-server")
    return [node(), str(folder / "bin" / "yaml-language-server"), "--stdio"]
