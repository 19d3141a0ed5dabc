"""JUnit XML of a test run, the report format CI systems read. No timestamps or durations, so it
is the same for the same files."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from barnetmodel.scenario_tests.run import FileOutcome

# Characters XML 1.0 cannot hold even escaped (a file name given on the command line may have them).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(files: list[FileOutcome]) -> str:
    root = ET.Element("testsuites", name="barnetmodel test")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for file in files:
        suite = ET.SubElement(root, "testsuite", name=file.file)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if file.problems:
            # The file could not be read: one case stands for all of its tests.
            case = ET.SubElement(suite, "testcase", classname=file.file, name="(reading the file)")
            _problem(case, "error", "the test file has problems", [str(p) for p in file.problems])
            counts["tests"] += 1
            counts["errors"] += 1
        for outcome in file.outcomes:
            case = ET.SubElement(suite, "testcase", classname=file.file, name=outcome.name)
            counts["tests"] += 1
            if outcome.status == "error":
                counts["errors"] += 1
                _problem(case, "error", "the test could not be run", [str(p) for p in outcome.problems])
            elif outcome.status == "failed":
                counts["failures"] += 1
                lines = [str(f) for f in outcome.failures]
                _problem(case, "failure", lines[0] if len(lines) == 1 else f"{len(lines)} outputs are off", lines)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    for element in root.iter():
        element.text = NOT_XML.sub("?", element.text) if element.text else element.text
        for name, text in element.attrib.items():
            element.set(name, NOT_XML.sub("?", text))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _problem(case: ET.Element, tag: str, message: str, lines: list[str]) -> None:
    element = ET.SubElement(case, tag, message=message)
    element.text = "\n".join(lines)
