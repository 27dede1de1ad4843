#!/bin/sh
# The first command of the README: installs what is missing, builds libsoc2
# and the soc2 program, and scans real public inputs bundled in tests/data.
set -eu
cd "$(dirname "$0")/.."

scripts/setup.sh
[ -d build ] || meson setup build
ninja -C build

inputs="tests/data/cloudformation/aws-cloudformation-templates/ecs-ec2-private-vpc.json
tests/data/terraform/checkov/terragoat-plan-tf0.12.json"

status=0
# shellcheck disable=SC2086 # one argument per input file
build/tools/soc2/soc2 scan $inputs || status=$?
echo
case $status in
0) echo "scan-example: no rule failed" ;;
1) echo "scan-example: the scan worked; exit status 1 means some rules failed, as expected for these inputs" ;;
*) echo "scan-example: the scan itself failed (exit status $status)" >&2; exit "$status" ;;
esac
