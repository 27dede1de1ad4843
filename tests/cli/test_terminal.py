"""What soc2 scan does on a terminal: colours in the text report, and the
progress line on standard error. Each test runs the program with standard
output or standard error on a pseudo-terminal, and again on a pipe.
"""

import json
import os
import pty
import subprocess
import sys
import tempfile
import threading
import unittest

SOC2_BIN = os.environ.get("SOC2_BIN", "soc2")

ESCAPE = b"\x1b["
ERASE_LINE = b"\r\x1b[K"


def open_security_group_plan(count):
    """A plan of `count` security groups open to the world on SSH."""
    changes = []
    for index in range(count):
        changes.append(
            {
                "address": f"aws_security_group.open[{index}]",
                "mode": "managed",
                "type": "aws_security_group",
                "name": "open",
                "index": index,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {
                        "name": f"open-{index}",
                        "description": "x" * 400,
                        "ingress": [
                            {
                                "cidr_blocks": ["0.0.0.0/0"],
                                "from_port": 22,
                                "to_port": 22,
                                "protocol": "tcp",
                                "description": "ssh",
                                "ipv6_cidr_blocks": [],
                                "prefix_list_ids": [],
                                "security_groups": [],
                                "self": False,
                            }
                        ],
                        "egress": [],
                    },
                    "after_unknown": {"id": True, "arn": True},
                },
            }
        )
    return {"format_version": "1.2", "terraform_version": "1.6.6", "resource_changes": changes}


def ssh_failures(report):
    """Counts the failed findings of the SSH rule in a JSON report."""
    return sum(
        1
        for finding in report["findings"]
        if finding["rule_id"] == "aws-ec2-no-public-ingress-ssh" and finding["status"] == "fail"
    )


def read_all(descriptor):
    """Reads a pseudo-terminal's output until the other side is closed."""
    data = b""
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # EIO: the writer closed its side
            break
        if not chunk:
            break
        data += chunk
    return data


class TerminalTestCase(unittest.TestCase):
    def setUp(self):
        self._temporary = tempfile.TemporaryDirectory(prefix="soc2-terminal-")
        self.folder = self._temporary.name
        self.plan = os.path.join(self.folder, "plan.json")
        with open(self.plan, "w", encoding="utf-8") as stream:
            json.dump(open_security_group_plan(2), stream)

    def tearDown(self):
        self._temporary.cleanup()

    def run_on_terminal(self, arguments, stream, environment=None):
        """Runs soc2 with `stream` ("stdout" or "stderr") on a pseudo-terminal
        and the other on a pipe. Returns (status, terminal bytes, pipe bytes)."""
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env.update(environment or {})
        primary, secondary = pty.openpty()
        redirect = {stream: secondary}
        other = "stderr" if stream == "stdout" else "stdout"
        redirect[other] = subprocess.PIPE
        process = subprocess.Popen(
            [SOC2_BIN, *arguments], cwd=self.folder, env=env, stdin=subprocess.DEVNULL, **redirect
        )
        os.close(secondary)
        # The pipe is read beside the terminal, so that neither fills up and
        # blocks the program.
        pipe = getattr(process, other)
        piped = []
        reader = threading.Thread(target=lambda: piped.append(pipe.read()))
        reader.start()
        terminal = read_all(primary)
        os.close(primary)
        reader.join(timeout=300)
        pipe.close()
        piped = piped[0] if piped else b""
        status = process.wait(timeout=300)
        self.assertGreaterEqual(status, 0, f"soc2 crashed: {piped!r}")
        self.assertNotIn(b"Sanitizer", terminal + piped)
        return status, terminal, piped

    def run_on_pipes(self, arguments, environment=None):
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env.update(environment or {})
        result = subprocess.run(
            [SOC2_BIN, *arguments], cwd=self.folder, env=env, capture_output=True, check=False
        )
        self.assertGreaterEqual(result.returncode, 0, result.stderr)
        return result


class ColourTests(TerminalTestCase):
    def test_terminal_gets_colours(self):
        status, terminal, _ = self.run_on_terminal(["scan", self.plan], "stdout")
        self.assertEqual(status, 1)
        # A failed finding's status is bold red and reset after the word.
        self.assertIn(b"\x1b[1;31mfail   \x1b[0m", terminal)
        self.assertIn(b"\x1b[1maws_security_group.open[0]\x1b[0m", terminal)

    def test_no_color_turns_colours_off(self):
        status, terminal, _ = self.run_on_terminal(["scan", self.plan], "stdout", {"NO_COLOR": "1"})
        self.assertEqual(status, 1)
        self.assertIn(b"fail", terminal)
        self.assertNotIn(ESCAPE, terminal)

    def test_empty_no_color_keeps_colours(self):
        # no-color.org: only a value that is not empty turns colours off.
        _, terminal, _ = self.run_on_terminal(["scan", self.plan], "stdout", {"NO_COLOR": ""})
        self.assertIn(ESCAPE, terminal)

    def test_pipe_gets_no_colours(self):
        result = self.run_on_pipes(["scan", self.plan])
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"fail", result.stdout)
        self.assertNotIn(ESCAPE, result.stdout)

    def test_output_file_gets_no_colours(self):
        report = os.path.join(self.folder, "report.txt")
        status, terminal, _ = self.run_on_terminal(
            ["scan", "--output", report, self.plan], "stdout"
        )
        self.assertEqual(status, 1)
        with open(report, "rb") as stream:
            text = stream.read()
        self.assertIn(b"fail", text)
        self.assertNotIn(ESCAPE, text)

    def test_machine_formats_get_no_colours(self):
        _, terminal, _ = self.run_on_terminal(["scan", "--format", "json", self.plan], "stdout")
        report = json.loads(terminal.replace(b"\r\n", b"\n"))
        self.assertEqual(ssh_failures(report), 2)


class ProgressTests(TerminalTestCase):
    def setUp(self):
        super().setUp()
        # More than one mebibyte, so that parsing reports progress on the way.
        self.large_plan = os.path.join(self.folder, "large.json")
        with open(self.large_plan, "w", encoding="utf-8") as stream:
            json.dump(open_security_group_plan(4000), stream)
        self.assertGreater(os.path.getsize(self.large_plan), 1 << 21)

    def test_progress_line_on_terminal(self):
        status, terminal, report = self.run_on_terminal(
            ["scan", "--format", "json", "large.json"],
            "stderr",
            {"SOC2_PROGRESS_DELAY_MS": "0"},
        )
        self.assertEqual(status, 1)
        self.assertIn(ERASE_LINE + b"soc2: loading large.json 100%", terminal)
        self.assertIn(b"soc2: evaluating rule 1 of 16", terminal)
        # The line is erased at the end, and the report on stdout is whole.
        self.assertTrue(terminal.endswith(ERASE_LINE), terminal[-80:])
        self.assertEqual(ssh_failures(json.loads(report)), 4000)

    def test_percentages_only_grow(self):
        _, terminal, _ = self.run_on_terminal(
            ["scan", "--rule", "aws-ec2-no-public-ingress-ssh", "large.json"],
            "stderr",
            {"SOC2_PROGRESS_DELAY_MS": "0"},
        )
        percents = [
            int(piece.rsplit(b" ", 1)[1].rstrip(b"%"))
            for piece in terminal.split(ERASE_LINE)
            if piece.startswith(b"soc2: loading")
        ]
        self.assertGreater(len(percents), 1)
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(percents[-1], 100)

    def test_no_progress_on_pipe(self):
        result = self.run_on_pipes(
            ["scan", "--format", "json", self.large_plan], {"SOC2_PROGRESS_DELAY_MS": "0"}
        )
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr, b"")

    def test_no_progress_for_a_quick_load(self):
        # With the default delay a small input is done before the line would
        # appear, so nothing flickers on the screen.
        _, terminal, _ = self.run_on_terminal(["scan", "--format", "json", self.plan], "stderr")
        self.assertNotIn(b"soc2: loading", terminal)

    def test_bad_delay_is_reported(self):
        status, terminal, _ = self.run_on_terminal(
            ["scan", "--format", "json", self.plan], "stderr", {"SOC2_PROGRESS_DELAY_MS": "soon"}
        )
        self.assertEqual(status, 1)
        self.assertIn(
            b'soc2: warning: SOC2_PROGRESS_DELAY_MS="soon" is not a whole number of '
            b"milliseconds; using 300",
            terminal,
        )

    def test_error_starts_on_a_clean_line(self):
        with open(self.large_plan, "rb") as source:
            truncated = source.read()[:-10]
        with open(os.path.join(self.folder, "broken.json"), "wb") as target:
            target.write(truncated)
        status, terminal, _ = self.run_on_terminal(
            ["scan", "--format", "json", "broken.json", "plan.json"],
            "stderr",
            {"SOC2_PROGRESS_DELAY_MS": "0"},
        )
        self.assertEqual(status, 2)
        self.assertIn(b"soc2: loading broken.json", terminal)
        # The progress line is erased, so the message starts a clean line.
        self.assertIn(ERASE_LINE + b"broken.json:", terminal)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
