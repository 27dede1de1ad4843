#!/usr/bin/env python3
"""Tests of the SARIF 2.1.0 report on real scans.

Each bundled real input folder and the hostile inputs of report_support.py
are scanned twice, once as JSON and once as SARIF. The SARIF log must pass
the SARIF 2.1.0 JSON schema and Microsoft's SARIF Multitool, and agree with
the JSON report of the same scan, as docs/reports.md maps one onto the
other.

The schema is the copy in the Multitool's npm package, which
scripts/setup.sh --test installs at the version tests/npm/package-lock.json
pins; SchemaTests checks its title and version. NOTE: it is not byte for
byte the Errata 01 file that the report names as its "$schema". It
declares JSON Schema draft 2020-12 where OASIS declares draft-04, it has
no "id", and its "runs" may not be null.
"""

import copy
import sys
import json
import os
import re
import shlex
import subprocess
import tempfile
import unittest
import urllib.parse

import report_support as support

try:
    import jsonschema
except ImportError:
    jsonschema = None

MULTITOOL = os.path.join(support.NPM_FOLDER, "node_modules", ".bin", "sarif-multitool")
# The platform package the Multitool installs beside its launcher.
SCHEMA_PATH = os.path.join(support.NPM_FOLDER, "node_modules", "@microsoft",
                           "sarif-multitool-linux", "sarif-2.1.0.json")
SCHEMA_TITLE = "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
FINGERPRINT_KEY = "soc2FindingHash/v1"

# docs/reports.md: a rule's level and security-severity by severity.
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note",
          "info": "note"}
SCORES = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}

# Multitool results the report may get, each with the reason it is not
# followed. Any other warning, and any error, fails the test.
ALLOWED_WARNINGS = {
    "SARIF2005": "tool.driver.informationUri: libsoc2 has no public web page to name",
}
ALLOWED_NOTES = {
    "SARIF2002": "messages are written in full, because rules have no message strings",
    "SARIF2003": "versionControlProvenance: the library does not know the repository",
    "SARIF2009": "rule IDs are descriptive (aws-ec2-no-public-ingress-ssh), not ABC1234",
    "SARIF2010": "no snippets: the report copies no input text, which can hold secrets",
    "SARIF2011": "no context regions, for the same reason",
    "SARIF2012": "rules have no help URI or Pascal-case name; the help text is inline",
}
# SARIF2006 fetches every URI in the log over HTTP. Tests run without a
# network, so the configuration turns it off, and the Multitool notes that.
MULTITOOL_CONFIGURATION = """<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
"""
DISABLED_RULE_NOTICE = "WRN999.RuleExplicitlyDisabled"

# RFC 3986 characters: a URI this writer makes contains unreserved
# characters, "/", ":" after the scheme, and percent-encoded bytes.
RELATIVE_URI = re.compile(r"^(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})+$")
FILE_URI = re.compile(r"^file://(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})+$")


def expected_kind_and_level(finding):
    status = finding["status"]
    if status in ("fail", "waived"):
        return "fail", LEVELS[finding["severity"]]
    return "review", "none"


def resolve(uri, base):
    """Return the bytes of the path a file URI, or a relative one against a
    file URI base, names."""
    absolute = urllib.parse.urljoin(base, uri) if base else uri
    parts = urllib.parse.urlsplit(absolute)
    if parts.scheme != "file" or parts.netloc:
        raise AssertionError("not a local file URI: %s" % absolute)
    return urllib.parse.unquote_to_bytes(parts.path)


def multitool_message(log, result):
    """Return the text of a Multitool result, filled in from its rule."""
    rule = log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]
    message = result["message"]
    text = message.get("text") or rule["messageStrings"][message["id"]]["text"]
    for number, argument in enumerate(message.get("arguments", [])):
        text = text.replace("{%d}" % number, argument)
    return "%s %s" % (result["ruleId"], text)


def result_level(log, result):
    """Return a result's level: its own, else its rule's default, else
    "warning" (SARIF 2.1.0, 3.27.10)."""
    if "level" in result:
        return result["level"]
    rule = log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]
    return rule.get("defaultConfiguration", {}).get("level", "warning")


def run_multitool(paths, folder):
    """Validate SARIF files with the Multitool and return its own SARIF log."""
    configuration = os.path.join(folder, "multitool.xml")
    with open(configuration, "w", encoding="utf-8") as stream:
        stream.write(MULTITOOL_CONFIGURATION)
    output = os.path.join(folder, "multitool-output.sarif")
    arguments = ["validate", *paths, "--output", output, "--log", "ForceOverwrite",
                 "--config", configuration, "--level", "Error;Warning;Note"]
    # The npm launcher passes its arguments to a shell (spawnSync with
    # shell: true), so each one is quoted for it.
    result = subprocess.run([MULTITOOL, *(shlex.quote(a) for a in arguments)],
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0 or not os.path.isfile(output):
        raise AssertionError("sarif-multitool failed with %d:\n%s%s"
                             % (result.returncode, result.stdout, result.stderr))
    with open(output, encoding="utf-8-sig") as stream:
        return json.load(stream)


class Scans:
    """The SARIF and JSON reports of every scanned input, made once."""

    folder = None
    reports = []  # (name, cwd, sarif, json report, SARIF file path)

    @classmethod
    def make(cls):
        if cls.folder:
            return
        cls.temporary = tempfile.TemporaryDirectory(prefix="soc2-sarif-")
        cls.folder = cls.temporary.name
        scans = support.scans_to_run(cls.folder)
        for number, (name, cwd, paths, extra) in enumerate(scans):
            sarif_bytes = support.scan(paths, "sarif", cwd, extra)
            sarif_path = os.path.join(cls.folder, "scan-%d.sarif" % number)
            with open(sarif_path, "wb") as stream:
                stream.write(sarif_bytes)
            cls.reports.append((name, cwd, json.loads(sarif_bytes),
                                support.scan_json(paths, cwd, extra), sarif_path))


def setUpModule():
    Scans.make()


class SchemaTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SCHEMA_PATH, encoding="utf-8") as stream:
            cls.schema = json.load(stream)
        validator_class = jsonschema.validators.validator_for(cls.schema)
        validator_class.check_schema(cls.schema)
        # jsonschema checks a format only when it has a checker for it, so
        # ContentTests checks the URIs and times this writer makes itself.
        cls.validator = validator_class(cls.schema,
                                        format_checker=validator_class.FORMAT_CHECKER)

    def test_schema_is_sarif_2_1_0(self):
        self.assertEqual(self.schema["title"], SCHEMA_TITLE)
        self.assertEqual(self.schema["properties"]["version"]["enum"], ["2.1.0"])
        self.assertIn("result", self.schema["definitions"])

    def test_reports_are_valid(self):
        for name, _, sarif, _, _ in Scans.reports:
            with self.subTest(input=name):
                errors = ["/%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message)
                          for e in self.validator.iter_errors(sarif)]
                self.assertEqual(errors, [])

    def test_schema_rejects_bad_level(self):
        # The schema check can fail: a level SARIF does not define.
        sarif = copy.deepcopy(Scans.reports[0][2])
        sarif["runs"][0]["results"][0]["level"] = "fatal"
        self.assertFalse(self.validator.is_valid(sarif))


class MultitoolTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        paths = [report[4] for report in Scans.reports]
        cls.log = run_multitool(paths, Scans.folder)

    def test_execution_succeeded(self):
        invocation = self.log["runs"][0]["invocations"][0]
        self.assertTrue(invocation["executionSuccessful"])
        self.assertEqual(invocation.get("toolExecutionNotifications", []), [])
        notices = [n["descriptor"]["id"] for n in invocation.get("toolConfigurationNotifications", [])]
        self.assertEqual(notices, [DISABLED_RULE_NOTICE])

    def test_every_report_was_read(self):
        # SARIF2005 is reported once per log, so each file must appear.
        seen = set()
        for result in self.log["runs"][0].get("results", []):
            for location in result.get("locations", []):
                uri = location["physicalLocation"]["artifactLocation"]["uri"]
                seen.add(os.fsdecode(resolve(uri, None)))
        self.assertEqual(seen, {report[4] for report in Scans.reports})

    def test_no_errors_or_unlisted_warnings(self):
        problems = []
        for result in self.log["runs"][0].get("results", []):
            level = result_level(self.log, result)
            allowed = {"warning": ALLOWED_WARNINGS, "note": ALLOWED_NOTES}.get(level, {})
            if result["ruleId"] not in allowed:
                problems.append("%s: %s" % (level, multitool_message(self.log, result)))
        self.assertEqual(problems, [])

    def test_errors_are_detected(self):
        # The Multitool and the level check can fail: a region that ends
        # before it starts (SARIF1007), and a base URI without the final
        # slash (SARIF1004), are errors.
        sarif = copy.deepcopy(Scans.reports[0][2])
        run = sarif["runs"][0]
        located = [r for r in run["results"] if "physicalLocation" in r["locations"][0]]
        region = located[0]["locations"][0]["physicalLocation"]["region"]
        region["endLine"] = region["startLine"] - 1
        run["originalUriBaseIds"]["SRCROOT"]["uri"] = run["originalUriBaseIds"]["SRCROOT"]["uri"][:-1]
        folder = os.path.join(Scans.folder, "broken")
        os.makedirs(folder)
        path = os.path.join(folder, "broken.sarif")
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(sarif, stream)
        log = run_multitool([path], folder)
        errors = {r["ruleId"] for r in log["runs"][0]["results"] if result_level(log, r) == "error"}
        self.assertIn("SARIF1007", errors)
        self.assertIn("SARIF1004", errors)


class ContentTests(unittest.TestCase):
    """The SARIF log against the JSON report of the same scan."""

    def test_log_and_tool(self):
        for name, _, sarif, report, _ in Scans.reports:
            with self.subTest(input=name):
                self.assertEqual(sarif["$schema"], SCHEMA_URI)
                self.assertEqual(sarif["version"], "2.1.0")
                self.assertEqual(len(sarif["runs"]), 1)
                run = sarif["runs"][0]
                driver = run["tool"]["driver"]
                self.assertEqual(driver["name"], "libsoc2")
                self.assertEqual(driver["version"], report["tool"]["version"])
                self.assertEqual(run["properties"].get("rulesVersion"),
                                 report["tool"].get("rules_version"))
                self.assertEqual(run["columnKind"], "unicodeCodePoints")
                self.assertRegex(run["invocations"][0]["endTimeUtc"],
                                 r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_rules(self):
        for name, cwd, sarif, report, _ in Scans.reports:
            with self.subTest(input=name):
                rules = sarif["runs"][0]["tool"]["driver"]["rules"]
                extra = ["--rules", "rules.json"] if name == "hostile inputs" else []
                self.assertEqual([r["id"] for r in rules], support.rule_ids(cwd, extra))
                self.assertEqual(len(rules), report["summary"]["rules_evaluated"])
                by_id = {rule["id"]: rule for rule in rules}
                for finding in report["findings"]:
                    rule = by_id[finding["rule_id"]]
                    self.assertEqual(rule["shortDescription"]["text"], finding["title"])
                    self.assertEqual(rule["defaultConfiguration"]["level"],
                                     LEVELS[finding["severity"]])
                    self.assertEqual(rule["properties"]["security-severity"],
                                     SCORES[finding["severity"]])
                    self.assertEqual(rule["properties"]["controls"], finding["controls"])
                    tags = ["security", "compliance"] + [
                        "%s/%s" % (framework, control)
                        for framework, controls in finding["controls"].items()
                        for control in controls]
                    self.assertEqual(rule["properties"]["tags"], tags)

    def test_result_per_non_passing_finding(self):
        for name, _, sarif, report, _ in Scans.reports:
            with self.subTest(input=name):
                run = sarif["runs"][0]
                rules = run["tool"]["driver"]["rules"]
                findings = [f for f in report["findings"] if f["status"] != "pass"]
                self.assertGreater(len(findings), 0)
                self.assertEqual(len(run["results"]), len(findings))
                for result, finding in zip(run["results"], findings):
                    self.assertEqual(result["ruleId"], finding["rule_id"])
                    self.assertEqual(rules[result["ruleIndex"]]["id"], finding["rule_id"])
                    kind, level = expected_kind_and_level(finding)
                    self.assertEqual(result["kind"], kind)
                    self.assertEqual(result["level"], level)
                    if finding["status"] == "waived":
                        self.assertEqual(result["suppressions"], [{"kind": "external"}])
                    else:
                        self.assertNotIn("suppressions", result)
                    self.assertEqual(result["message"]["text"], finding["message"])
                    self.assertEqual(result["partialFingerprints"],
                                     {FINGERPRINT_KEY: finding["fingerprint"]})
                    self.assertEqual(result["properties"], {
                        "status": finding["status"],
                        "resourceType": finding["resource_type"],
                        "path": finding["path"],
                        "controls": finding["controls"],
                    })

    def test_locations(self):
        for name, cwd, sarif, report, _ in Scans.reports:
            with self.subTest(input=name):
                run = sarif["runs"][0]
                base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
                self.assertEqual(resolve(base, None), os.fsencode(cwd) + b"/")
                findings = [f for f in report["findings"] if f["status"] != "pass"]
                for result, finding in zip(run["results"], findings):
                    self.assertEqual(len(result["locations"]), 1)
                    location = result["locations"][0]
                    resource = finding["resource"]
                    self.assertEqual(location["logicalLocations"], [
                        {"name": resource, "fullyQualifiedName": resource, "kind": "resource"}])
                    if finding["file"] is None:
                        self.assertNotIn("physicalLocation", location)
                        continue
                    physical = location["physicalLocation"]
                    artifact = physical["artifactLocation"]
                    self.assertEqual(artifact["uriBaseId"], "SRCROOT")
                    self.assertRegex(artifact["uri"], RELATIVE_URI)
                    path = os.path.join(os.fsencode(cwd), support.raw_path(finding["file"]))
                    self.assertEqual(resolve(artifact["uri"], base), os.path.normpath(path))
                    if "location" in finding:
                        self.assertEqual(physical["region"], {
                            "startLine": finding["location"]["line"],
                            "startColumn": finding["location"]["column"],
                        })
                    else:
                        self.assertNotIn("region", physical)

    def test_absolute_path_is_file_uri(self):
        folder = os.path.join(Scans.folder, "absolute")
        os.makedirs(folder)
        path = os.path.join(folder, "open ✓.json")
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(support.OPEN_SSH_TEMPLATE, stream)
        sarif = json.loads(support.scan([path], "sarif", support.SOURCE_ROOT,
                                        ["--rule", "aws-ec2-no-public-ingress-ssh"]))
        results = sarif["runs"][0]["results"]
        self.assertGreater(len(results), 0)
        for result in results:
            artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
            self.assertNotIn("uriBaseId", artifact)
            self.assertRegex(artifact["uri"], FILE_URI)
            self.assertEqual(resolve(artifact["uri"], None), os.fsencode(path))

    def test_columns_count_code_points(self):
        # The hostile plan is one line with non-ASCII text before each
        # value, so a column counted in bytes would land past the value.
        name, cwd, sarif, report, _ = Scans.reports[-1]
        self.assertEqual(name, "hostile inputs")
        with open(os.path.join(cwd, support.HOSTILE_FOLDER, "plan ✓.json"), encoding="utf-8") as stream:
            text = stream.read()
        self.assertNotIn("\n", text)
        results = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]): r
                   for r in sarif["runs"][0]["results"]}
        checked = 0
        for number, key in enumerate(support.HOSTILE_KEYS):
            address = "aws_security_group.hostile[%s]" % json.dumps(key, ensure_ascii=False)
            result = results.get(("aws-ec2-no-public-ingress-ssh", address))
            if result is None or result["properties"]["path"] != "ingress[0]":
                continue
            marker = text.index('"description": "ingress-%d ✓"' % number)
            column = text.rindex("{", 0, marker) + 1
            region = result["locations"][0]["physicalLocation"]["region"]
            self.assertEqual(region, {"startLine": 1, "startColumn": column})
            checked += 1
        self.assertGreaterEqual(checked, 4)


class FingerprintTests(unittest.TestCase):
    def fingerprints(self, sarif):
        return [(r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"],
                 r["properties"]["path"], r["partialFingerprints"][FINGERPRINT_KEY])
                for r in sarif["runs"][0]["results"]]

    def test_fingerprints_are_hex_and_unique_per_file(self):
        # Two files may hold the same finding (a state as JSON and as
        # .tfstate, a template as JSON and YAML), and then share its
        # fingerprint, since the file is not hashed. Within a file, each
        # finding has its own.
        for name, _, sarif, report, _ in Scans.reports:
            with self.subTest(input=name):
                files = [f["file"] for f in report["findings"] if f["status"] != "pass"]
                seen = set()
                for file, entry in zip(files, self.fingerprints(sarif)):
                    self.assertRegex(entry[3], r"^[0-9a-f]{32}$")
                    self.assertNotIn((file, entry[3]), seen, entry)
                    seen.add((file, entry[3]))

    def test_same_scan_same_fingerprints(self):
        for name, cwd, sarif, _, _ in Scans.reports[:2]:
            with self.subTest(input=name):
                again = json.loads(support.scan([name], "sarif", cwd))
                self.assertEqual(self.fingerprints(again), self.fingerprints(sarif))

    def test_moved_lines_keep_fingerprints(self):
        # A copy under another name with blank lines on top: every finding
        # keeps its fingerprint, and its region moves down by as many lines.
        inputs = ["tests/data/terraform/checkov/for-each-modules-open-sg-plan-tf1.9.json",
                  "tests/data/cloudformation/cfn_nag/ipv6-security-groups-open-to-world.json",
                  "tests/data/cloudformation-yaml/source-map/template.yaml"]
        added = 7
        for relative in inputs:
            with self.subTest(input=relative):
                with open(os.path.join(support.SOURCE_ROOT, relative), encoding="utf-8") as stream:
                    text = stream.read()
                copy_path = os.path.join(Scans.folder, "moved-" + os.path.basename(relative))
                with open(copy_path, "w", encoding="utf-8") as stream:
                    stream.write("\n" * added + text)
                before = json.loads(support.scan([relative], "sarif", support.SOURCE_ROOT))
                after = json.loads(support.scan([copy_path], "sarif", support.SOURCE_ROOT))
                self.assertGreater(len(before["runs"][0]["results"]), 0)
                self.assertEqual(self.fingerprints(after), self.fingerprints(before))
                moved = 0
                for old, new in zip(before["runs"][0]["results"], after["runs"][0]["results"]):
                    old_location = old["locations"][0].get("physicalLocation", {})
                    new_location = new["locations"][0].get("physicalLocation", {})
                    self.assertEqual("region" in new_location, "region" in old_location)
                    if "region" not in old_location:
                        continue
                    old_region, new_region = old_location["region"], new_location["region"]
                    self.assertEqual(new_region["startLine"], old_region["startLine"] + added)
                    self.assertEqual(new_region["startColumn"], old_region["startColumn"])
                    moved += 1
                self.assertGreater(moved, 0)


def check_tools():
    if jsonschema is None:
        raise SystemExit("the Python package jsonschema is not installed for %s, the python3 "
                         "meson found; scripts/setup.sh --test installs it for Debian's python3 "
                         "(python3-jsonschema), and another python3 needs it installed too"
                         % sys.executable)
    support.require_tools("node")
    support.require_file(MULTITOOL, "the SARIF Multitool (sarif-multitool)")
    support.require_file(SCHEMA_PATH, "the SARIF 2.1.0 schema of the SARIF Multitool")


if __name__ == "__main__":
    check_tools()
    support.main()
