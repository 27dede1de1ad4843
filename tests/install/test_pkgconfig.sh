#!/bin/sh
# Installs the build in BUILD_DIR into a staging folder and compiles
# examples/scan.c against it through pkg-config, as a user of the installed
# library would, then runs it on a bundled input. Usage: test_pkgconfig.sh BUILD_DIR
set -eu
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

DESTDIR="$stage" meson install -C "$build" --quiet --no-rebuild
prefix=$(meson introspect "$build" --buildoptions |
    python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
libdir=$(meson introspect "$build" --buildoptions |
    python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="libdir"][0])')
case $libdir in /*) ;; *) libdir="$prefix/$libdir" ;; esac

pcdir="$stage$libdir/pkgconfig"
[ -f "$pcdir/soc2.pc" ] || { echo "test_pkgconfig: soc2.pc was not installed in $pcdir" >&2; exit 1; }

# pkg-config prints paths under the real prefix; point it into the stage.
export PKG_CONFIG_PATH="$pcdir"
export PKG_CONFIG_SYSROOT_DIR="$stage"
cflags=$(pkg-config --cflags soc2)
libs=$(pkg-config --libs soc2)
echo "test_pkgconfig: cc $cflags ... $libs"
# shellcheck disable=SC2086 # flags from pkg-config are meant to split
cc -Wall -Wextra -Werror $cflags "$top/examples/scan.c" -o "$stage/scan" $libs

LD_LIBRARY_PATH="$stage$libdir" "$stage/scan" \
    "$top/tests/data/cloudformation/aws-cloudformation-templates/ecs-ec2-private-vpc.json" \
    >"$stage/out.txt" || [ $? -eq 1 ]
grep -q "aws-ec2-no-public-ingress-ssh PublicLoadBalancerSG" "$stage/out.txt" || {
    echo "test_pkgconfig: the example did not report the expected finding:" >&2
    cat "$stage/out.txt" >&2
    exit 1
}
echo "test_pkgconfig: the installed library links through pkg-config and finds the open SSH group"
