"""JUnit XML: one test case per checked document finding, for CI systems that show tests."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from pilotlint.documents.values import plural
from pilotlint.findings import counts


def render(report, *, color: bool = False) -> str:
    total = counts(report.findings)
    failing = [f for f in report.findings if f.severity == "error" or report.fail_on == "warning"]
    suites = ET.Element("testsuites", name="pilotlint", tests=str(max(1, len(report.findings))),
                        failures=str(len(failing)))
    suite = ET.SubElement(suites, "testsuite", name=f"pilotlint {report.command}",
                          tests=str(max(1, len(report.findings))), failures=str(len(failing)), errors="0",
                          skipped=str(len(report.findings) - len(failing)))
    if not report.findings:
        ET.SubElement(suite, "testcase", classname="pilotlint", name=f"{report.files} files checked")
    for f in report.findings:
        case = ET.SubElement(suite, "testcase", classname=_xml_safe(f.path), name=f"{f.rule} line {f.line}",
                             file=_xml_safe(f.path), line=str(f.line))
        text = f"{f.path}:{f.line}:{f.column}: {f.rule} [{f.severity}] {f.message}"
        if f.severity == "error" or report.fail_on == "warning":  # in `failing` (a list: `in` was quadratic)
            ET.SubElement(case, "failure", type=f.rule, message=_xml_safe(f.message)).text = _xml_safe(text)
        else:
            ET.SubElement(case, "skipped", message=_xml_safe(f"{f.severity}: {f.message}"))
    ET.SubElement(suite, "system-out").text = (f"{plural(total['errors'], 'error')}, "
                                               f"{plural(total['warnings'], 'warning')}, "
                                               f"{len(report.suppressed)} suppressed")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters at all, even escaped."""
    return "".join(ch if ch in "\t\n\r" or (ord(ch) >= 0x20 and ord(ch) not in (0xFFFE, 0xFFFF)
                                            and not 0xD800 <= ord(ch) <= 0xDFFF) else "\ufffd" for ch in text)
