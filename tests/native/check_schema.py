#!/usr/bin/env python3
"""Checks docs/native.schema.json against the documents it describes.

The schema must be a valid draft 2020-12 schema. It must accept
examples/native-resources.json and every tests/data/native/*.json, and it
must reject each malformed document that
tests/data/native/malformed/cases.json marks with "schema_rejects": true. The other malformed documents break rules
a JSON Schema cannot express (duplicate addresses, say); libsoc2 itself
rejects them, as the native unit suite checks.

Usage: check_schema.py SOURCE_ROOT. Exits 77, which meson counts as a
skipped test, when the jsonschema package is not installed.
"""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("skipped: the Python package jsonschema is not installed "
          "(Debian: python3-jsonschema)")
    sys.exit(77)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    root = sys.argv[1]
    schema = load(os.path.join(root, "docs", "native.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    problems = []

    valid = [os.path.join(root, "examples", "native-resources.json")]
    valid += sorted(glob.glob(os.path.join(root, "tests", "data", "native", "*.json")))
    for path in valid:
        for error in validator.iter_errors(load(path)):
            problems.append("%s: rejected at /%s: %s" % (
                path, "/".join(str(p) for p in error.absolute_path), error.message))

    malformed = os.path.join(root, "tests", "data", "native", "malformed")
    rejected = 0
    for case in load(os.path.join(malformed, "cases.json")):
        document = load(os.path.join(malformed, case["file"]))
        errors = list(validator.iter_errors(document))
        if case["schema_rejects"] and not errors:
            problems.append("%s: accepted, but the schema should reject it" % case["file"])
        if not case["schema_rejects"] and errors:
            problems.append("%s: rejected (%s), but cases.json says the schema cannot "
                            "express this rule" % (case["file"], errors[0].message))
        rejected += bool(errors)

    for problem in problems:
        print(problem)
    print("%d valid documents checked, %d malformed documents rejected by the schema"
          % (len(valid), rejected))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
