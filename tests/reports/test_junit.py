#!/usr/bin/env python3
"""Tests of the JUnit XML report on real scans.

Each bundled real input folder and the hostile inputs of report_support.py
are scanned as JUnit XML and as JSON. xmllint validates the XML against
junit.xsd beside this file (libsoc2's own schema of the shape CI systems
read), and the suites, test cases and counts must match the JSON report of
the same scan, as docs/reports.md describes.
"""

import os
import re
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

import report_support as support

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "junit.xsd")

# docs/reports.md: the element each status gets inside its test case.
OUTCOME_ELEMENTS = {"pass": None, "fail": "failure", "error": "error", "unknown": "skipped",
                    "waived": "skipped"}


def xml_text(text):
    """Return `text` as the writer puts it in XML: each control character
    that XML 1.0 does not allow becomes U+FFFD."""
    return None if text is None else re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", text)


def xmllint(path):
    """Validate a file against junit.xsd and return xmllint's exit status
    and messages."""
    result = subprocess.run(["xmllint", "--noout", "--schema", SCHEMA, path],
                            capture_output=True, text=True, timeout=120, check=False)
    return result.returncode, result.stderr


def expected_details(finding):
    """Return the text of a <failure> or <error> that docs/reports.md
    describes: the message, resource, file and place, path and controls."""
    text = finding["message"]
    text += "\nResource: %s (%s)" % (xml_text(finding["resource"]), finding["resource_type"])
    if finding["file"] is not None:
        text += "\nFile: %s" % finding["file"]
        if "location" in finding:
            text += ":%d:%d" % (finding["location"]["line"], finding["location"]["column"])
    if finding["path"]:
        text += "\nPath: %s" % finding["path"]
    for framework, controls in finding["controls"].items():
        text += "\n%s: %s" % (framework, " ".join(controls))
    return xml_text(text + "\n")


def count_attributes(findings):
    statuses = [f["status"] for f in findings]
    return {
        "tests": str(len(statuses)),
        "failures": str(statuses.count("fail")),
        "errors": str(statuses.count("error")),
        "skipped": str(statuses.count("unknown") + statuses.count("waived")),
    }


class Scans:
    """The JUnit and JSON reports of every scanned input, made once."""

    folder = None
    reports = []  # (name, xml path, parsed root, json report, rule IDs)

    @classmethod
    def make(cls):
        if cls.folder:
            return
        cls.temporary = tempfile.TemporaryDirectory(prefix="soc2-junit-")
        cls.folder = cls.temporary.name
        scans = support.scans_to_run(cls.folder)
        for number, (name, cwd, paths, extra) in enumerate(scans):
            path = os.path.join(cls.folder, "scan-%d.xml" % number)
            with open(path, "wb") as stream:
                stream.write(support.scan(paths, "junit", cwd, extra))
            root = ElementTree.parse(path).getroot()
            cls.reports.append((name, path, root, support.scan_json(paths, cwd, extra),
                                support.rule_ids(cwd, extra)))


def setUpModule():
    Scans.make()


class SchemaTests(unittest.TestCase):
    def test_reports_are_valid(self):
        for name, path, _, _, _ in Scans.reports:
            with self.subTest(input=name):
                status, messages = xmllint(path)
                self.assertEqual(status, 0, messages)

    def test_schema_rejects_bad_count(self):
        # The check can fail: a count that is not a number.
        with open(Scans.reports[0][1], encoding="utf-8") as stream:
            text = stream.read()
        broken = os.path.join(Scans.folder, "broken.xml")
        with open(broken, "w", encoding="utf-8") as stream:
            stream.write(text.replace(' failures="', ' failures="x', 1))
        status, messages = xmllint(broken)
        self.assertNotEqual(status, 0)
        self.assertIn("failures", messages)

    def test_schema_rejects_failure_without_message(self):
        with open(Scans.reports[0][1], encoding="utf-8") as stream:
            text = stream.read()
        self.assertIn("<failure message=", text)
        broken = os.path.join(Scans.folder, "no-message.xml")
        with open(broken, "w", encoding="utf-8") as stream:
            stream.write(text.replace("<failure message=", "<failure note=", 1))
        status, _ = xmllint(broken)
        self.assertNotEqual(status, 0)


class ContentTests(unittest.TestCase):
    """The JUnit report against the JSON report of the same scan."""

    def test_totals(self):
        for name, _, root, report, _ in Scans.reports:
            with self.subTest(input=name):
                self.assertEqual(root.tag, "testsuites")
                self.assertEqual(root.get("name"), "libsoc2")
                by_status = report["summary"]["by_status"]
                self.assertEqual(root.get("tests"), str(report["summary"]["findings"]))
                self.assertEqual(root.get("failures"), str(by_status["fail"]))
                self.assertEqual(root.get("errors"), str(by_status["error"]))
                self.assertEqual(root.get("skipped"),
                                 str(by_status["unknown"] + by_status["waived"]))
                self.assertEqual(root.get("time"), "0")

    def test_suite_per_evaluated_rule(self):
        for name, _, root, report, rule_ids in Scans.reports:
            with self.subTest(input=name):
                suites = root.findall("testsuite")
                self.assertEqual([s.get("name") for s in suites], rule_ids)
                self.assertEqual(len(suites), report["summary"]["rules_evaluated"])
                for suite in suites:
                    findings = [f for f in report["findings"] if f["rule_id"] == suite.get("name")]
                    attributes = {key: suite.get(key) for key in ("tests", "failures", "errors",
                                                                  "skipped")}
                    self.assertEqual(attributes, count_attributes(findings), suite.get("name"))
                    self.assertEqual(suite.get("time"), "0")

    def test_suite_properties(self):
        for name, _, root, report, _ in Scans.reports:
            with self.subTest(input=name):
                suites = {s.get("name"): s for s in root.findall("testsuite")}
                for finding in report["findings"]:
                    properties = [(p.get("name"), p.get("value"))
                                  for p in suites[finding["rule_id"]].find("properties")]
                    expected = [("title", finding["title"]), ("severity", finding["severity"])]
                    expected += [(framework, " ".join(controls))
                                 for framework, controls in finding["controls"].items()]
                    self.assertEqual(properties, expected)

    def test_test_case_per_finding(self):
        for name, _, root, report, _ in Scans.reports:
            with self.subTest(input=name):
                cases = [(suite.get("name"), case) for suite in root.findall("testsuite")
                         for case in suite.findall("testcase")]
                self.assertEqual(len(cases), len(report["findings"]))
                # Suites follow the rules, and findings come grouped by
                # rule in the same order, so the two lists line up.
                for (suite_name, case), finding in zip(cases, report["findings"]):
                    self.assertEqual(suite_name, finding["rule_id"])
                    self.assertEqual(case.get("name"), xml_text(finding["resource"]))
                    self.assertEqual(case.get("classname"), finding["rule_id"])
                    self.assertEqual(case.get("time"), "0")
                    self.assertEqual(case.get("file"), xml_text(finding["file"]))
                    line = finding.get("location", {}).get("line")
                    self.assertEqual(case.get("line"), None if line is None else str(line))

    def test_outcome_of_each_finding(self):
        checked = set()
        for name, _, root, report, _ in Scans.reports:
            with self.subTest(input=name):
                cases = [case for suite in root.findall("testsuite")
                         for case in suite.findall("testcase")]
                for case, finding in zip(cases, report["findings"]):
                    children = list(case)
                    element = OUTCOME_ELEMENTS[finding["status"]]
                    checked.add(finding["status"])
                    if element is None:
                        self.assertEqual(children, [])
                        continue
                    self.assertEqual([child.tag for child in children], [element])
                    outcome = children[0]
                    self.assertEqual(outcome.get("message"), xml_text(finding["message"]))
                    if element == "skipped":
                        self.assertIsNone(outcome.get("type"))
                        self.assertFalse(outcome.text)
                    else:
                        self.assertEqual(outcome.get("type"), finding["severity"])
                        self.assertEqual(outcome.text, expected_details(finding))
        self.assertLessEqual({"pass", "fail", "unknown"}, checked)

    def test_hostile_text_round_trips(self):
        name, _, root, report, _ = Scans.reports[-1]
        self.assertEqual(name, "hostile inputs")
        names = {case.get("name") for case in root.iter("testcase")}
        for address in support.HOSTILE_ADDRESSES:
            self.assertIn(xml_text(address), names)
        self.assertIn("bell\ufffdring", names)
        messages = {failure.get("message") for failure in root.iter("failure")}
        self.assertIn(support.HOSTILE_MESSAGE + ".", messages)
        files = {case.get("file") for case in root.iter("testcase")}
        self.assertIn(support.INVALID_UTF8_NAME.decode("utf-8", "replace"), files)


if __name__ == "__main__":
    support.require_tools("xmllint")
    support.main()
