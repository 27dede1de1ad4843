#!/usr/bin/env python3
"""Tests of the CSV report on real scans.

Each bundled real input folder and the hostile inputs of report_support.py
are scanned as CSV and as JSON. Python's csv module reads the CSV as a
spreadsheet would. Every row must give back the fields of the JSON finding
at the same place, as docs/reports.md describes them. They must match
exactly, except for the apostrophe put in front of a field that starts
like a formula.
"""

import csv
import io
import os
import tempfile
import unittest

import report_support as support

COLUMNS = [
    "rule_id", "title", "severity", "status", "resource", "resource_type", "service",
    "file", "line", "column", "path", "evidence_resource", "soc2_criteria", "controls",
    "message", "fingerprint",
]

# Characters that make a spreadsheet read a cell as a formula or strip it:
# the writer puts an apostrophe in front of a field that starts with one.
FORMULA_STARTS = "=+-@\t\r"

# Services that AWS names after a resource type's prefix.
KNOWN_SERVICES = {"aws_security_group": "ec2", "aws_s3_bucket": "s3", "aws_sqs_queue": "sqs",
                  "aws_iam_policy": "iam", "aws_iam_role": "iam", "aws_cloudtrail": "cloudtrail"}


def cell(value):
    """Return what the writer should put in the cell for `value`."""
    if value is None:
        return ""
    value = str(value)
    if value[:1] and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def expected_row(finding):
    location = finding.get("location", {})
    controls = finding["controls"]
    return {
        "rule_id": cell(finding["rule_id"]),
        "title": cell(finding["title"]),
        "severity": cell(finding["severity"]),
        "status": cell(finding["status"]),
        "resource": cell(finding["resource"]),
        "resource_type": cell(finding["resource_type"]),
        "file": cell(finding["file"]),
        "line": cell(location.get("line")),
        "column": cell(location.get("column")),
        "path": cell(finding["path"]),
        "evidence_resource": cell(finding.get("evidence_resource")),
        "soc2_criteria": cell(" ".join(controls.get("SOC2", []))),
        "controls": cell("; ".join("%s: %s" % (framework, " ".join(ids))
                                   for framework, ids in controls.items())),
        "message": cell(finding["message"]),
        "fingerprint": cell(finding["fingerprint"]),
    }


def strict_rows(text):
    """Split CSV text into rows of (value, quoted) pairs, as RFC 4180 reads
    them. Raise AssertionError on a CR or LF outside quotes that is not a
    record's CR LF end, and on a quote inside a field that is not quoted."""
    rows, row = [], []
    position = 0
    while position < len(text):
        quoted = text[position] == '"'
        value = []
        if quoted:
            position += 1
            while True:
                end = text.find('"', position)
                if end < 0:
                    raise AssertionError("a quoted field does not end")
                value.append(text[position:end])
                position = end + 1
                if text[position:position + 1] != '"':
                    break
                value.append('"')
                position += 1
        else:
            while position < len(text) and text[position] not in ',\r\n':
                if text[position] == '"':
                    raise AssertionError("a quote in a field that is not quoted")
                value.append(text[position])
                position += 1
        row.append(("".join(value), quoted))
        if text[position:position + 1] == ",":
            position += 1
        elif text[position:position + 2] == "\r\n":
            rows.append(row)
            row = []
            position += 2
        else:
            raise AssertionError("a field that ends at offset %d without , or CR LF" % position)
    return rows


def needs_quotes(value):
    """Return whether docs/reports.md has the field quoted: when it
    contains a comma, a quote or a line break, or starts or ends with a
    space."""
    return any(c in value for c in ',"\r\n') or value[:1] == " " or value[-1:] == " "


class Scans:
    """The CSV and JSON reports of every scanned input, made once."""

    folder = None
    reports = []  # (name, CSV bytes, json report)

    @classmethod
    def make(cls):
        if cls.folder:
            return
        cls.temporary = tempfile.TemporaryDirectory(prefix="soc2-csv-")
        cls.folder = cls.temporary.name
        scans = support.scans_to_run(cls.folder)
        for name, cwd, paths, extra in scans:
            cls.reports.append((name, support.scan(paths, "csv", cwd, extra),
                                support.scan_json(paths, cwd, extra)))


def setUpModule():
    Scans.make()


def read_rows(data):
    """Decode the report strictly and read it with the csv module."""
    text = data.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


class CsvTests(unittest.TestCase):
    def test_encoding_and_line_ends(self):
        for name, data, report in Scans.reports:
            with self.subTest(input=name):
                self.assertFalse(data.startswith(b"\xef\xbb\xbf"), "byte-order mark")
                text = data.decode("utf-8")
                self.assertTrue(text.endswith("\r\n"))
                rows = strict_rows(text)
                self.assertEqual(len(rows), len(report["findings"]) + 1)
                # The csv module reads the same fields.
                self.assertEqual([[value for value, _ in row] for row in rows], read_rows(data))

    def test_quoted_only_where_needed(self):
        quoted = 0
        for name, data, _ in Scans.reports:
            with self.subTest(input=name):
                for row in strict_rows(data.decode("utf-8")):
                    for value, is_quoted in row:
                        self.assertEqual(is_quoted, needs_quotes(value), repr(value))
                        quoted += is_quoted
        self.assertGreater(quoted, 0)

    def test_header(self):
        for name, data, _ in Scans.reports:
            with self.subTest(input=name):
                self.assertEqual(read_rows(data)[0], COLUMNS)
                self.assertTrue(data.startswith(",".join(COLUMNS).encode() + b"\r\n"))

    def test_row_per_finding_in_report_order(self):
        for name, data, report in Scans.reports:
            with self.subTest(input=name):
                rows = read_rows(data)[1:]
                self.assertEqual(len(rows), len(report["findings"]))
                for number, (row, finding) in enumerate(zip(rows, report["findings"])):
                    self.assertEqual(len(row), len(COLUMNS), "row %d" % number)
                    fields = dict(zip(COLUMNS, row))
                    service = fields.pop("service")
                    self.assertEqual(fields, expected_row(finding), "row %d" % number)
                    self.assertRegex(service, r"^[a-z0-9]+$")
                    if finding["resource_type"] in KNOWN_SERVICES:
                        self.assertEqual(service, KNOWN_SERVICES[finding["resource_type"]])

    def test_no_cell_reads_as_formula(self):
        protected = set()
        for name, data, _ in Scans.reports:
            with self.subTest(input=name):
                for row in read_rows(data):
                    for value in row:
                        if value:
                            self.assertNotIn(value[0], FORMULA_STARTS, value)
                        if value.startswith("'") and value[1:2]:
                            protected.add(value[1])
        # The hostile inputs hold a field of every such start.
        self.assertLessEqual(set(FORMULA_STARTS), protected)

    def test_hostile_fields_round_trip(self):
        name, data, report = Scans.reports[-1]
        self.assertEqual(name, "hostile inputs")
        rows = [dict(zip(COLUMNS, row)) for row in read_rows(data)[1:]]
        resources = {row["resource"] for row in rows}
        for address in support.HOSTILE_ADDRESSES:
            self.assertIn(cell(address), resources)
        messages = {row["message"] for row in rows}
        self.assertIn(cell(support.HOSTILE_MESSAGE + "."), messages)
        files = {row["file"] for row in rows}
        self.assertIn(support.INVALID_UTF8_NAME.decode("utf-8", "replace"), files)
        self.assertIn(os.path.join(support.HOSTILE_FOLDER, "plan ✓.json"), files)


if __name__ == "__main__":
    support.main()
