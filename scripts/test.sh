#!/bin/sh
# The second command of the README, and what CI runs: installs what is
# missing, builds, and runs every test twice: in a normal build, and in a
# build with AddressSanitizer and UndefinedBehaviorSanitizer. Then installs
# into a staging folder and builds the example against the installed
# library through pkg-config.
set -eu
cd "$(dirname "$0")/.."

scripts/setup.sh --test

echo "== build and test (warnings are errors)"
[ -d build ] || meson setup build
ninja -C build
meson test -C build --print-errorlogs

echo "== build and test under AddressSanitizer and UndefinedBehaviorSanitizer"
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C build-asan --print-errorlogs --no-suite valgrind

echo "== install and link the example through pkg-config"
tests/install/test_pkgconfig.sh build

echo "test: all tests passed"
