#!/usr/bin/env python3
"""Tests of the soc2 command-line program, run against the built binary.

SOC2_BIN names the program and SOC2_TEST_DATA the shared corpus folder.
Every input is written to a temporary folder by the test that reads it, so
the tests do not depend on which corpus files exist.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

SOC2_BIN = os.environ.get("SOC2_BIN", "soc2")
SOC2_TEST_DATA = os.environ.get("SOC2_TEST_DATA", "")

SSH_RULE = "aws-ec2-no-public-ingress-ssh"


def security_group_template(logical_id, cidr, port=22, description="web"):
    """Return a CloudFormation template with one security group that lets
    TCP `port` in from `cidr`."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            logical_id: {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupDescription": description,
                    "SecurityGroupIngress": [
                        {
                            "IpProtocol": "tcp",
                            "FromPort": port,
                            "ToPort": port,
                            "CidrIp": cidr,
                        }
                    ],
                },
            }
        },
    }


OPEN_TEMPLATE = security_group_template("OpenSshGroup", "0.0.0.0/0")
CLOSED_TEMPLATE = security_group_template("ClosedSshGroup", "10.0.0.0/8")

# A declarative rule that fails every security group whose description is
# not "approved".
DESCRIPTION_RULES = {
    "rules": [
        {
            "id": "test-sg-description-approved",
            "title": "Security groups carry the approved description",
            "severity": "low",
            "resource_types": ["aws_security_group"],
            "controls": {"SOC2": ["CC6.1"]},
            "message": "The description is not approved",
            "assert": {"attribute": "description", "op": "eq", "value": "approved"},
        }
    ]
}

# The same rule with a misspelt operator.
INVALID_RULES = {
    "rules": [
        {
            "id": "test-invalid-operator",
            "title": "Uses an operator that does not exist",
            "severity": "low",
            "resource_types": ["aws_security_group"],
            "assert": {"attribute": "description", "op": "equals", "value": "x"},
        }
    ]
}

SUMMARY_LINE = re.compile(
    r"^\d+ findings?(: \d+ fail(, \d+ error)?(, \d+ unknown)?(, \d+ waived)?, \d+ pass)?"
    r" \(\d+ rules?, \d+ files?\)$",
    re.MULTILINE,
)


class CliTestCase(unittest.TestCase):
    """Runs the program in a fresh temporary folder."""

    def setUp(self):
        self._temporary = tempfile.TemporaryDirectory(prefix="soc2-cli-")
        self.folder = self._temporary.name

    def tearDown(self):
        self._temporary.cleanup()

    def path(self, *parts):
        return os.path.join(self.folder, *parts)

    def write_text(self, relative_path, text):
        full_path = self.path(relative_path)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with open(full_path, "w", encoding="utf-8") as stream:
            stream.write(text)
        return full_path

    def write_json(self, relative_path, document):
        return self.write_text(relative_path, json.dumps(document, indent=2))

    def run_soc2(self, *arguments):
        result = subprocess.run(
            [SOC2_BIN, *arguments],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        # A negative status means a signal (a crash), never a verdict.
        self.assertGreaterEqual(
            result.returncode, 0, f"soc2 {' '.join(arguments)} crashed: {result.stderr}"
        )
        # Under -Db_sanitize a sanitizer report may exit with a status the
        # test expects anyway, so its output is checked too.
        self.assertNotIn("Sanitizer", result.stderr)
        self.assertNotIn("runtime error:", result.stderr)
        return result

    def assert_status(self, result, expected):
        self.assertEqual(
            result.returncode,
            expected,
            f"exit status {result.returncode}, expected {expected}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}",
        )


class UsageTests(CliTestCase):
    def test_no_arguments_prints_usage(self):
        result = self.run_soc2()
        self.assert_status(result, 2)
        self.assertIn("Usage: soc2", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_unknown_command(self):
        result = self.run_soc2("inspect")
        self.assert_status(result, 2)
        self.assertIn("unknown command 'inspect'", result.stderr)

    def test_unknown_option(self):
        result = self.run_soc2("scan", "--colour", "x.json")
        self.assert_status(result, 2)
        self.assertIn("--colour", result.stderr)
        self.assertIn("soc2 scan --help", result.stderr)

    def test_option_missing_value(self):
        result = self.run_soc2("scan", "x.json", "--format")
        self.assert_status(result, 2)
        self.assertIn("--format", result.stderr)

    def test_scan_without_path(self):
        result = self.run_soc2("scan")
        self.assert_status(result, 2)
        self.assertIn("missing PATH", result.stderr)

    def test_invalid_output_format(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--format", "xml", path)
        self.assert_status(result, 2)
        self.assertIn("'xml'", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_invalid_input_format(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--input-format", "yaml", path)
        self.assert_status(result, 2)
        self.assertIn("'yaml'", result.stderr)

    def test_rules_rejects_path(self):
        result = self.run_soc2("rules", "extra")
        self.assert_status(result, 2)
        self.assertIn("'extra'", result.stderr)

    def test_help_forms(self):
        for arguments in (["help"], ["--help"], ["-h"]):
            with self.subTest(arguments=arguments):
                result = self.run_soc2(*arguments)
                self.assert_status(result, 0)
                self.assertIn("Usage: soc2", result.stdout)
                for command in ("scan", "rules", "version"):
                    self.assertIn(command, result.stdout)

    def test_scan_help_lists_options(self):
        for arguments in (["scan", "--help"], ["help", "scan"]):
            with self.subTest(arguments=arguments):
                result = self.run_soc2(*arguments)
                self.assert_status(result, 0)
                self.assertIn("Usage: soc2 scan", result.stdout)
                for option in ("--format", "--output", "--title", "--rules", "--no-builtin",
                               "--rule", "--input-format", "--verbose", "--help"):
                    self.assertIn(option, result.stdout)

    def test_rules_help(self):
        result = self.run_soc2("rules", "--help")
        self.assert_status(result, 0)
        self.assertIn("Usage: soc2 rules", result.stdout)

    def test_version_forms(self):
        for arguments in (["version"], ["--version"]):
            with self.subTest(arguments=arguments):
                result = self.run_soc2(*arguments)
                self.assert_status(result, 0)
                self.assertRegex(result.stdout, r"^soc2 \d+\.\d+\.\d+\n$")


class RulesCommandTests(CliTestCase):
    def test_text_lists_builtin_rules(self):
        result = self.run_soc2("rules")
        self.assert_status(result, 0)
        self.assertIn(SSH_RULE, result.stdout)
        self.assertIn("resource types: aws_security_group", result.stdout)
        self.assertRegex(result.stdout, r"controls: .*SOC2 CC\d")
        self.assertRegex(result.stdout, r"\n\d+ rules\n$")

    def test_json_has_rule_fields(self):
        result = self.run_soc2("rules", "--format", "json")
        self.assert_status(result, 0)
        catalog = json.loads(result.stdout)
        rules = catalog["rules"]
        self.assertGreater(len(rules), 0)
        for rule in rules:
            with self.subTest(rule=rule.get("id")):
                for field in ("id", "title", "severity", "resource_types", "controls"):
                    self.assertIn(field, rule)
                self.assertIsInstance(rule["resource_types"], list)
                self.assertIsInstance(rule["controls"], dict)
        self.assertIn(SSH_RULE, [rule["id"] for rule in rules])

    def test_custom_rules_without_builtin(self):
        rules_path = self.write_json("rules.json", DESCRIPTION_RULES)
        result = self.run_soc2("rules", "--format", "json", "--no-builtin", "--rules",
                               rules_path)
        self.assert_status(result, 0)
        rules = json.loads(result.stdout)["rules"]
        self.assertEqual([rule["id"] for rule in rules], ["test-sg-description-approved"])
        self.assertEqual(rules[0]["controls"], {"SOC2": ["CC6.1"]})

    def test_text_names_rule_source(self):
        rules_path = self.write_json("rules.json", DESCRIPTION_RULES)
        result = self.run_soc2("rules", "--rules", rules_path)
        self.assert_status(result, 0)
        self.assertIn("test-sg-description-approved  low", result.stdout)
        self.assertIn(f"source: {rules_path}", result.stdout)
        self.assertIn(SSH_RULE, result.stdout)

    def test_invalid_rule_file(self):
        rules_path = self.write_json("invalid-rules.json", INVALID_RULES)
        result = self.run_soc2("rules", "--rules", rules_path)
        self.assert_status(result, 2)
        self.assertIn(rules_path, result.stderr)
        self.assertIn("error:", result.stderr)


class ScanFileTests(CliTestCase):
    def test_open_group_fails(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", path)
        self.assert_status(result, 1)
        self.assertIn(f"OpenSshGroup (aws_security_group) in {path}", result.stdout)
        finding_lines = [line for line in result.stdout.splitlines() if SSH_RULE in line]
        self.assertEqual(len(finding_lines), 1)
        self.assertRegex(finding_lines[0], r"^\s+fail\s+high\s+" + SSH_RULE)
        self.assertIn("at ingress[0]", finding_lines[0])
        self.assertRegex(result.stdout, SUMMARY_LINE)

    def test_closed_group_passes(self):
        path = self.write_json("closed.json", CLOSED_TEMPLATE)
        result = self.run_soc2("scan", "--rule", SSH_RULE, path)
        self.assert_status(result, 0)
        self.assertNotIn("ClosedSshGroup", result.stdout)
        self.assertIn("1 finding: 0 fail, 1 pass (1 rule, 1 file)", result.stdout)

    def test_verbose_lists_passes(self):
        path = self.write_json("closed.json", CLOSED_TEMPLATE)
        result = self.run_soc2("scan", "--verbose", "--rule", SSH_RULE, path)
        self.assert_status(result, 0)
        self.assertIn("ClosedSshGroup (aws_security_group)", result.stdout)
        self.assertRegex(result.stdout, r"\n\s+pass\s+high\s+" + SSH_RULE)

    def test_terraform_plan_fails(self):
        plan = {
            "format_version": "1.2",
            "terraform_version": "1.6.0",
            "resource_changes": [
                {
                    "address": "aws_security_group.ssh",
                    "mode": "managed",
                    "type": "aws_security_group",
                    "name": "ssh",
                    "change": {
                        "actions": ["create"],
                        "before": None,
                        "after": {
                            "name": "ssh",
                            "ingress": [
                                {
                                    "from_port": 22,
                                    "to_port": 22,
                                    "protocol": "tcp",
                                    "cidr_blocks": ["0.0.0.0/0"],
                                }
                            ],
                        },
                        "after_unknown": {"id": True},
                    },
                }
            ],
        }
        path = self.write_json("plan.json", plan)
        result = self.run_soc2("scan", "--rule", SSH_RULE, path)
        self.assert_status(result, 1)
        self.assertIn("aws_security_group.ssh (aws_security_group)", result.stdout)

    def test_unknown_value_listed(self):
        # The CIDR block is known only after apply, so the rule cannot decide.
        plan = {
            "format_version": "1.2",
            "resource_changes": [
                {
                    "address": "aws_security_group.pending",
                    "mode": "managed",
                    "type": "aws_security_group",
                    "name": "pending",
                    "change": {
                        "actions": ["create"],
                        "before": None,
                        "after": {
                            "name": "pending",
                            "ingress": [
                                {
                                    "from_port": 22,
                                    "to_port": 22,
                                    "protocol": "tcp",
                                    "cidr_blocks": [None],
                                }
                            ],
                        },
                        "after_unknown": {"ingress": [{"cidr_blocks": [True]}]},
                    },
                }
            ],
        }
        path = self.write_json("plan.json", plan)
        result = self.run_soc2("scan", "--rule", SSH_RULE, path)
        # Unknown findings alone do not fail the scan.
        self.assert_status(result, 0)
        self.assertRegex(result.stdout, r"\n\s+unknown\s+high\s+" + SSH_RULE)
        self.assertIn("1 finding: 0 fail, 1 unknown, 0 pass (1 rule, 1 file)", result.stdout)

    def test_missing_file(self):
        result = self.run_soc2("scan", "absent.json")
        self.assert_status(result, 2)
        self.assertIn("absent.json: error:", result.stderr)

    def test_missing_file_beside_failing_file(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "absent.json", path)
        self.assert_status(result, 2)
        self.assertIn("absent.json: error:", result.stderr)
        self.assertIn(SSH_RULE, result.stdout)

    def test_malformed_json_reports_location(self):
        bad_path = self.write_text("broken.json", '{\n  "Resources": {,\n}\n')
        good_path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", bad_path, good_path)
        # The bad file wins over the failed finding of the good one.
        self.assert_status(result, 2)
        self.assertRegex(result.stderr, re.escape(bad_path) + r":2:\d+: error: ")
        self.assertIn("OpenSshGroup", result.stdout)
        self.assertIn(SSH_RULE, result.stdout)
        self.assertRegex(result.stdout, r"\(\d+ rules?, 1 file\)")

    def test_unrecognized_explicit_file(self):
        path = self.write_json("package.json", {"name": "web", "version": "1.0.0"})
        result = self.run_soc2("scan", path)
        self.assert_status(result, 2)
        self.assertIn(f"{path}: error:", result.stderr)
        self.assertIn("not a recognized", result.stderr)

    def test_input_format_mismatch(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--input-format", "terraform-plan", path)
        self.assert_status(result, 2)
        self.assertIn(f"{path}: error:", result.stderr)

    def test_input_format_match(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--input-format", "cloudformation", "--rule",
                               SSH_RULE, path)
        self.assert_status(result, 1)


class ScanFolderTests(CliTestCase):
    def test_recursion_and_suffixes(self):
        self.write_json("stacks/web/open.json", OPEN_TEMPLATE)
        self.write_json("stacks/db/closed.template",
                        security_group_template("DatabaseGroup", "0.0.0.0/0", port=22))
        self.write_json("stacks/notes.txt", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--rule", SSH_RULE, "stacks")
        self.assert_status(result, 1)
        self.assertIn("OpenSshGroup (aws_security_group) in stacks/web/open.json",
                      result.stdout)
        self.assertIn("DatabaseGroup (aws_security_group) in stacks/db/closed.template",
                      result.stdout)
        self.assertNotIn("notes.txt", result.stdout)
        self.assertIn("(1 rule, 2 files)", result.stdout)

    def test_sorted_order(self):
        # Enough names that the folder's own listing order is unlikely to be
        # sorted by chance.
        names = ["delta", "alpha", "hotel", "charlie", "golf", "bravo", "foxtrot", "echo"]
        for name in names:
            self.write_json(f"stacks/{name}.json",
                            security_group_template(name.title() + "Group", "0.0.0.0/0"))
        self.write_json("stacks/india/zulu.json",
                        security_group_template("ZuluGroup", "0.0.0.0/0"))
        expected_files = [f"stacks/{name}.json" for name in sorted(names)]
        expected_files.insert(expected_files.index("stacks/hotel.json") + 1,
                              "stacks/india/zulu.json")

        result = self.run_soc2("scan", "--format", "json", "--rule", SSH_RULE, "stacks")
        self.assert_status(result, 1)
        report = json.loads(result.stdout)
        self.assertEqual([item["file"] for item in report["inputs"]], expected_files)

        text = self.run_soc2("scan", "--rule", SSH_RULE, "stacks").stdout
        positions = [text.index(name.title() + "Group") for name in sorted(names)]
        self.assertEqual(positions, sorted(positions))

    def test_unrelated_json_skipped_with_note(self):
        self.write_json("project/package.json", {"name": "web", "version": "1.0.0"})
        self.write_json("project/closed.json", CLOSED_TEMPLATE)
        result = self.run_soc2("scan", "--rule", SSH_RULE, "project")
        self.assert_status(result, 0)
        note_lines = [line for line in result.stderr.splitlines() if "package.json" in line]
        self.assertEqual(len(note_lines), 1)
        self.assertIn("note:", note_lines[0])
        self.assertIn("(1 rule, 1 file)", result.stdout)

    def test_hidden_entries_skipped(self):
        self.write_json("repo/main.json", CLOSED_TEMPLATE)
        self.write_json("repo/.terraform/cached.json",
                        security_group_template("HiddenFolderGroup", "0.0.0.0/0"))
        self.write_json("repo/.hidden.json",
                        security_group_template("HiddenFileGroup", "0.0.0.0/0"))
        result = self.run_soc2("scan", "--verbose", "--rule", SSH_RULE, "repo")
        self.assert_status(result, 0)
        self.assertNotIn("Hidden", result.stdout)
        self.assertIn("(1 rule, 1 file)", result.stdout)

    @unittest.skipUnless(hasattr(os, "symlink"), "symbolic links are not available")
    def test_folder_links_not_followed(self):
        self.write_json("elsewhere/open.json", OPEN_TEMPLATE)
        self.write_json("repo/closed.json", CLOSED_TEMPLATE)
        os.symlink(self.path("elsewhere"), self.path("repo", "linked"))
        result = self.run_soc2("scan", "--rule", SSH_RULE, "repo")
        self.assert_status(result, 0)
        self.assertNotIn("OpenSshGroup", result.stdout)

    def test_malformed_file_in_folder(self):
        self.write_text("stacks/broken.json", "[1, 2,,]\n")
        self.write_json("stacks/open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--rule", SSH_RULE, "stacks")
        self.assert_status(result, 2)
        self.assertRegex(result.stderr, r"stacks/broken\.json:1:\d+: error: ")
        self.assertIn("OpenSshGroup", result.stdout)

    @unittest.skipUnless(hasattr(os, "mkfifo"), "FIFOs are not available")
    def test_fifo_in_folder_is_an_error(self):
        self.write_json("stacks/open.json", OPEN_TEMPLATE)
        os.mkfifo(self.path("stacks", "pipe.json"))
        os.mkfifo(self.path("stacks", "notes"))
        result = self.run_soc2("scan", "--rule", SSH_RULE, "stacks")
        self.assert_status(result, 2)
        self.assertIn("stacks/pipe.json: error: is a FIFO, not a regular file", result.stderr)
        self.assertNotIn("notes", result.stderr)
        self.assertIn("OpenSshGroup", result.stdout)

    def test_folder_without_inputs(self):
        self.write_json("empty/package.json", {"name": "web"})
        result = self.run_soc2("scan", "empty")
        self.assert_status(result, 2)
        self.assertIn("no input", result.stderr)


class ScanOptionTests(CliTestCase):
    def test_json_report_fields(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--format", "json", "--rule", SSH_RULE, path)
        self.assert_status(result, 1)
        report = json.loads(result.stdout)
        self.assertEqual(report["summary"]["by_status"]["fail"], 1)
        self.assertIn("soc2_criteria", report["summary"])
        self.assertEqual(len(report["findings"]), 1)
        finding = report["findings"][0]
        self.assertEqual(finding["rule_id"], SSH_RULE)
        self.assertEqual(finding["resource"], "OpenSshGroup")
        self.assertEqual(finding["resource_type"], "aws_security_group")
        self.assertEqual(finding["status"], "fail")
        self.assertEqual(finding["severity"], "high")
        self.assertEqual(finding["file"], path)
        self.assertIn("SOC2", finding["controls"])
        self.assertTrue(finding["path"].startswith("ingress[0]"))

    def test_output_file_json(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        output_path = self.path("report.json")
        result = self.run_soc2("scan", "--format", "json", "--output", output_path, path)
        self.assert_status(result, 1)
        self.assertEqual(result.stdout, "")
        with open(output_path, encoding="utf-8") as stream:
            report = json.load(stream)
        self.assertIn(SSH_RULE, [finding["rule_id"] for finding in report["findings"]])

    def test_output_file_text(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        output_path = self.path("report.txt")
        result = self.run_soc2("scan", "-o", output_path, path)
        self.assert_status(result, 1)
        self.assertEqual(result.stdout, "")
        with open(output_path, encoding="utf-8") as stream:
            self.assertRegex(stream.read(), SUMMARY_LINE)

    def test_output_file_unwritable(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        output_path = self.path("no-such-folder", "report.json")
        result = self.run_soc2("scan", "--output", output_path, path)
        self.assert_status(result, 2)
        self.assertIn(output_path, result.stderr)

    def test_html_report_title(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--format", "html", "--title", "Q4 <audit> & \"more\"",
                               path)
        self.assert_status(result, 1)
        self.assertTrue(result.stdout.startswith("<!DOCTYPE html>"))
        self.assertIn("<title>Q4 &lt;audit&gt; &amp; &quot;more&quot;</title>", result.stdout)
        self.assertIn(f'data-rule="{SSH_RULE}"', result.stdout)

    def test_html_report_default_title(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--format=html", path)
        self.assert_status(result, 1)
        self.assertIn("<title>SOC 2 compliance report</title>", result.stdout)

    def test_title_needs_html_format(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        for arguments in (["--title", "Q4"], ["--format", "json", "--title", "Q4"]):
            with self.subTest(arguments=arguments):
                result = self.run_soc2("scan", *arguments, path)
                self.assert_status(result, 2)
                self.assertIn("--format html", result.stderr)
                self.assertEqual(result.stdout, "")

    def test_rule_selection(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--format", "json", "--rule", SSH_RULE, "--rule",
                               "aws-ec2-no-public-ingress-rdp", path)
        self.assert_status(result, 1)
        report = json.loads(result.stdout)
        rule_ids = {finding["rule_id"] for finding in report["findings"]}
        self.assertEqual(rule_ids, {SSH_RULE, "aws-ec2-no-public-ingress-rdp"})

    def test_unknown_rule_id(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--rule", "no-such-rule", path)
        self.assert_status(result, 2)
        self.assertIn("'no-such-rule'", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_invalid_rule_file(self):
        rules_path = self.write_json("invalid-rules.json", INVALID_RULES)
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--rules", rules_path, path)
        self.assert_status(result, 2)
        self.assertRegex(result.stderr, re.escape(rules_path) + r"(:\d+){0,2}: error: ")
        self.assertIn("test-invalid-operator", result.stderr)

    def test_custom_rule_fails_without_builtin(self):
        rules_path = self.write_json("rules.json", DESCRIPTION_RULES)
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--no-builtin", "--rules", rules_path, path)
        self.assert_status(result, 1)
        self.assertIn("test-sg-description-approved", result.stdout)
        self.assertIn("The description is not approved", result.stdout)
        self.assertNotIn(SSH_RULE, result.stdout)
        self.assertIn("(1 rule, 1 file)", result.stdout)

    def test_custom_rule_passes_without_builtin(self):
        rules_path = self.write_json("rules.json", DESCRIPTION_RULES)
        path = self.write_json("approved.json", security_group_template(
            "ApprovedGroup", "0.0.0.0/0", description="approved"))
        result = self.run_soc2("scan", "--no-builtin", "--rules", rules_path, path)
        self.assert_status(result, 0)

    def test_no_rules_at_all(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", "--no-builtin", path)
        self.assert_status(result, 2)
        self.assertIn("no rules", result.stderr)

    def test_options_after_paths(self):
        path = self.write_json("open.json", OPEN_TEMPLATE)
        result = self.run_soc2("scan", path, "--format=json", "--rule", SSH_RULE)
        self.assert_status(result, 1)
        self.assertEqual(len(json.loads(result.stdout)["findings"]), 1)


class CorpusTests(CliTestCase):
    @unittest.skipUnless(os.path.isdir(SOC2_TEST_DATA), "SOC2_TEST_DATA is not a folder")
    def test_corpus_scan_completes(self):
        # The corpus may hold inputs that are wrong on purpose, so status 2 is
        # allowed; the report must still be complete JSON.
        result = self.run_soc2("scan", "--format", "json", SOC2_TEST_DATA)
        self.assertIn(result.returncode, (0, 1, 2), result.stderr)
        report = json.loads(result.stdout)
        self.assertGreater(len(report["inputs"]), 0)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
