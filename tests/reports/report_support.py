"""Shared pieces of the report tests: where the program, the bundled inputs
and the test tools are, running scans, and the hand-made hostile inputs.

meson passes SOC2_BIN (the built program), SOC2_SOURCE_ROOT (the source
tree) and SOC2_NPM (tests/npm, where scripts/setup.sh --test installs the
npm test tools).
"""

import json
import os
import shutil
import subprocess
import sys
import unittest

SOC2_BIN = os.environ.get("SOC2_BIN", "soc2")
SOURCE_ROOT = os.environ.get("SOC2_SOURCE_ROOT", os.getcwd())
NPM_FOLDER = os.environ.get("SOC2_NPM", os.path.join(SOURCE_ROOT, "tests", "npm"))

SETUP_HINT = "run scripts/setup.sh --test to install the test tools"

# Real public inputs bundled for tests, relative to the source root; each
# folder's README names its source.
REAL_INPUTS = [
    "tests/data/terraform",
    "tests/data/cloudformation",
    "tests/data/cloudformation-yaml",
    "tests/data/aws-config",
    "tests/data/terraform-state",
]

# The keys of the hostile Terraform plan's for_each instances. Terraform
# writes them into the address with JSON escapes (["a\"b"]), so the
# addresses carry quotes, commas, markup, non-ASCII and backslashes.
HOSTILE_KEYS = [
    'a"b',
    "<script>x</script>",
    "a,b",
    "line1\nline2",
    "ünïcødé ✓",
    "=cmd|' /C calc'!A0",
    "tab\there",
    " lead&trail ",
]

# Addresses of the hostile native document: the native format takes any
# string, so these start like spreadsheet formulas and hold raw control
# characters that Terraform would escape, one of which XML does not allow.
HOSTILE_ADDRESSES = [
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "-2+3",
    "@x",
    "\ttab first",
    "\rcarriage return first",
    "line1\nline2",
    "cr\rhere",
    "bell\x07ring",
    '"quoted", <b>&amp;</b> ü ✓',
    " spaced ",
]

# The message of the hostile declarative rule: a formula start, quotes,
# markup, a line break, a tab and non-ASCII.
HOSTILE_MESSAGE = "=cmd|' /C calc'!A0, \"quoted\" <script>x</script> & line1\nline2\ttab ünïcødé ✓"
HOSTILE_RULE_ID = "test-hostile-text"

# A folder name that a URI must percent-encode, and a file name that is not
# valid UTF-8.
HOSTILE_FOLDER = "in put #1 ü"
INVALID_UTF8_NAME = b"invalid-\xff-name.json"


def require_tools(*names):
    """Exit with status 1 and a message naming each missing program."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        sys.exit("missing program(s): %s; %s" % (", ".join(missing), SETUP_HINT))


def require_file(path, description):
    """Exit with status 1 when a file a test needs is missing."""
    if not os.path.isfile(path):
        sys.exit("%s not found at %s; %s" % (description, path, SETUP_HINT))


def run_soc2(arguments, cwd):
    """Run the program and return its standard output as bytes. A scan that
    failed rules exits with 1, which is expected here; a crash, a sanitizer
    report or a bad input fails the calling test."""
    result = subprocess.run(
        [SOC2_BIN, *arguments], cwd=cwd, capture_output=True, timeout=300, check=False
    )
    stderr = result.stderr.decode("utf-8", "replace")
    command = " ".join(os.fsdecode(a) for a in arguments)
    if result.returncode not in (0, 1):
        raise AssertionError("soc2 %s exited with %d:\n%s" % (command, result.returncode, stderr))
    if "Sanitizer" in stderr or "runtime error:" in stderr:
        raise AssertionError("soc2 %s reported a sanitizer error:\n%s" % (command, stderr))
    return result.stdout


def scan(paths, output_format, cwd, extra=()):
    """Scan `paths` (relative to `cwd`) and return the report as bytes."""
    return run_soc2(["scan", "--format", output_format, *extra, *paths], cwd)


def scan_json(paths, cwd, extra=()):
    return json.loads(scan(paths, "json", cwd, extra))


def rule_ids(cwd, extra=()):
    """Return the IDs of the engine's rules in engine order, as `soc2 rules`
    lists them with the same rule options."""
    catalog = json.loads(run_soc2(["rules", "--format", "json", *extra], cwd))
    return [rule["id"] for rule in catalog["rules"]]


def hostile_plan():
    """Return a Terraform plan (as written by terraform show -json) with one
    security group per hostile key, written on a single line. Every column
    then follows non-ASCII text, so a column counted in bytes differs from
    one counted in code points. Every third group has a CIDR block known
    only after apply, so the SSH rule reports it as unknown."""
    changes = []
    for number, key in enumerate(HOSTILE_KEYS):
        ingress = {
            "cidr_blocks": ["0.0.0.0/0"],
            "description": "ingress-%d ✓" % number,
            "from_port": 22,
            "to_port": 22,
            "ipv6_cidr_blocks": [],
            "prefix_list_ids": [],
            "protocol": "tcp",
            "security_groups": [],
            "self": False,
        }
        after_unknown = {"arn": True, "id": True}
        if number % 3 == 2:
            ingress["cidr_blocks"] = [None]
            after_unknown["ingress"] = [{"cidr_blocks": [True]}]
        changes.append({
            "address": "aws_security_group.hostile[%s]" % json.dumps(key, ensure_ascii=False),
            "mode": "managed",
            "type": "aws_security_group",
            "name": "hostile",
            "index": key,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {
                    "name": "hostile-%d" % number,
                    "description": "group ✓ %d" % number,
                    "ingress": [ingress],
                    "egress": [],
                    "tags": {"Name": key},
                },
                "after_unknown": after_unknown,
            },
        })
    plan = {"format_version": "1.2", "terraform_version": "1.6.6", "resource_changes": changes}
    return json.dumps(plan, ensure_ascii=False)


def hostile_native():
    """Return a native document with one open security group per hostile
    address."""
    resources = []
    for number, address in enumerate(HOSTILE_ADDRESSES):
        resources.append({
            "type": "aws_security_group",
            "id": "sg-%02d" % number,
            "address": address,
            "provider": "aws",
            "account": "123456789012",
            "region": "eu-west-1",
            "attributes": {
                "name": "native-%d" % number,
                "description": "native ✓",
                "ingress": [{
                    "from_port": 22, "to_port": 22, "protocol": "tcp",
                    "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": [],
                    "prefix_list_ids": [], "security_groups": [], "self": False,
                    "description": "",
                }],
                "egress": [],
            },
        })
    document = {"format": "libsoc2-native", "version": 1, "resources": resources}
    return json.dumps(document, ensure_ascii=False, indent=2)


def hostile_rules():
    """Return a declarative rule whose title, description, remediation and
    message hold hostile text. It fails every security group whose
    description is not "approved", which is all of them here."""
    rule = {
        "id": HOSTILE_RULE_ID,
        "title": "@SUM(1+1) \"quoted\", <b>bold</b> & ünï ✓",
        "severity": "low",
        "resource_types": ["aws_security_group"],
        "controls": {"SOC2": ["CC6.1"], "CIS-AWS": ["6.3"]},
        "description": "Description with <tags> & \"quotes\"\nand a second line.",
        "remediation": "=cmd|' /C calc'!A0",
        "message": HOSTILE_MESSAGE,
        "assert": {"attribute": "description", "op": "eq", "value": "approved"},
    }
    return json.dumps({"rules": [rule]}, ensure_ascii=False, indent=2)


OPEN_SSH_TEMPLATE = {
    "Resources": {
        "OpenGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "open",
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}
                ],
            },
        }
    }
}


def write_hostile_inputs(folder):
    """Write the hostile inputs into `folder` and return (paths, extra): the
    paths to scan, relative to `folder` (bytes, since one name is not
    valid UTF-8), and the options that add the hostile rule."""
    os.makedirs(os.path.join(folder, HOSTILE_FOLDER))
    files = {
        os.path.join(HOSTILE_FOLDER, "plan ✓.json"): hostile_plan(),
        os.path.join(HOSTILE_FOLDER, "native.json"): hostile_native(),
        "rules.json": hostile_rules(),
    }
    for name, text in files.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as stream:
            stream.write(text)
    with open(os.path.join(os.fsencode(folder), INVALID_UTF8_NAME), "wb") as stream:
        stream.write(json.dumps(OPEN_SSH_TEMPLATE).encode("utf-8"))
    paths = [
        os.fsencode(os.path.join(HOSTILE_FOLDER, "plan ✓.json")),
        os.fsencode(os.path.join(HOSTILE_FOLDER, "native.json")),
        INVALID_UTF8_NAME,
    ]
    return paths, ["--rules", "rules.json"]


def scans_to_run(folder):
    """The scans every report test makes: each real input alone, from the
    source root, and the hostile inputs written into `folder`. Returns a
    list of (name, working folder, paths, extra arguments)."""
    scans = [(path, SOURCE_ROOT, [path], []) for path in REAL_INPUTS]
    hostile = os.path.join(folder, "hostile")
    os.makedirs(hostile)
    paths, extra = write_hostile_inputs(hostile)
    scans.append(("hostile inputs", hostile, paths, extra))
    return scans


def raw_path(json_file):
    """Return the bytes of an input's name from the name a report wrote,
    where each byte that is not valid UTF-8 became U+FFFD."""
    if json_file == INVALID_UTF8_NAME.decode("utf-8", "replace"):
        return INVALID_UTF8_NAME
    return os.fsencode(json_file)


def main():
    unittest.main(argv=[sys.argv[0], "-v"])
