// The inputs test_html_report.js scans, and a CSV parser for the CSV
// report. Each scenario's checkReport() asserts what makes it worth
// running (the statuses, formats and hostile text it must contain), so a
// change to the inputs or the rules cannot quietly make it trivial.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

// Parses RFC 4180 CSV with a header row into objects keyed by column.
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  assert.equal(quoted, false, 'CSV ends inside a quoted field');
  assert.equal(field + record.join(''), '', 'CSV ends with CR LF');
  const [header, ...rows] = records;
  return rows.map((row) => {
    assert.equal(row.length, header.length, `CSV row has ${row.length} fields`);
    return Object.fromEntries(header.map((name, i) => [name, row[i]]));
  });
}

function statusesOf(report) {
  return new Set(report.findings.map((finding) => finding.status));
}

// TerraGoat's plan and two CloudFormation templates: many findings, several
// services, ties among the top failing rules.
function bundled(dataFolder) {
  return {
    name: 'bundled',
    title: 'TerraGoat and CloudFormation samples',
    titleArgument: true,
    args: [
      path.join(dataFolder, 'terraform', 'checkov', 'terragoat-plan-tf0.12.json'),
      path.join(dataFolder, 'cloudformation', 'aws-cloudformation-templates',
        'ecs-ec2-private-vpc.json'),
      path.join(dataFolder, 'cloudformation', 'cfn_nag', 'sqs-queue-policies-with-wildcards.json'),
    ],
    checkReport(report) {
      assert.deepEqual(report.inputs.map((input) => input.format),
        ['terraform-plan', 'cloudformation', 'cloudformation'], 'bundled input formats');
      assert.ok(report.tool.rules_version, 'the built-in rule pack is evaluated');
      assert.ok(report.summary.by_status.fail >= 10, 'the bundled inputs fail rules');
      assert.ok(report.summary.by_status.pass >= 10, 'the bundled inputs pass rules');
    },
  };
}

// A Terraform plan whose for_each keys contain markup, quotes, ampersands
// and non-ASCII text. It is saved under a file name with markup, a line
// break and a byte that is not UTF-8. A custom rule whose title, message
// and control ID contain markup too is evaluated with the built-in ones.
function hostile(outputFolder, testFolder) {
  const folder = path.join(outputFolder, 'hostile-input');
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder);
  const name = Buffer.concat([Buffer.from('plan <b>&"q\'\nline'), Buffer.from([0xff]),
    Buffer.from('.json')]);
  fs.writeFileSync(Buffer.concat([Buffer.from(folder + path.sep), name]),
    fs.readFileSync(path.join(testFolder, 'hostile-plan.json')));

  return {
    name: 'hostile',
    title: 'Audit </title><script>window.__soc2Injected = 4</script> & "Ü"\nsecond\tline',
    titleArgument: true,
    args: ['--rules', path.join(testFolder, 'hostile-rules.json'), folder],
    checkReport(report) {
      assert.equal(report.inputs.length, 1, 'one hostile input');
      const file = report.inputs[0].file;
      assert.ok(file.includes('<b>&"q\'\nline\uFFFD.json'), `hostile file name: ${file}`);
      for (const status of ['pass', 'fail', 'unknown', 'error']) {
        assert.ok(statusesOf(report).has(status), `the hostile input has a ${status} finding`);
      }
      const resources = report.findings.map((finding) => finding.resource).join('\n');
      for (const piece of ['</script><script>', '<img src=x onerror=', 'Q&A \\"double\\"',
        '&amp; &lt;', 'ünïcødé ✓ 日本語 🚀']) {
        assert.ok(resources.includes(piece), `a resource address holds ${piece}`);
      }
      const custom = report.findings.find((finding) => finding.rule_id === 'acme-sg-described' &&
        finding.status === 'fail');
      assert.ok(custom, 'the custom rule fails');
      assert.ok(custom.message.includes('\nSecond line: <img'), 'the message has a line feed');
      assert.ok(custom.message.includes('</script>\r\nThird'), 'the message has a CR LF');
      assert.ok(custom.message.includes('bell \u0007'), 'the message has a control character');
      assert.ok(custom.controls.SOC2.includes('ACME "9.1" <i>&amp;</i>\tDé'),
        'the custom control ID holds markup, quotes, a tab and non-ASCII text');
    },
  };
}

// Only the custom rule, with the default title: the page names no rule
// pack.
function customOnly(testFolder) {
  return {
    name: 'custom-rules-only',
    title: 'SOC 2 compliance report',
    titleArgument: false,
    args: ['--no-builtin', '--rules', path.join(testFolder, 'hostile-rules.json'),
      path.join(testFolder, 'hostile-plan.json')],
    checkReport(report) {
      assert.equal(report.tool.rules_version ?? null, null, 'no built-in rule is evaluated');
      assert.equal(report.summary.rules_evaluated, 1, 'one custom rule');
    },
  };
}

function scenarios(dataFolder, outputFolder, testFolder) {
  return [bundled(dataFolder), hostile(outputFolder, testFolder), customOnly(testFolder)];
}

module.exports = { parseCsv, scenarios };
