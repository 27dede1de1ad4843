#!/bin/sh
# Installs, with apt-get, the Debian packages libsoc2 needs to build, skipping
# those already installed. With --test it also installs what the tests use:
# valgrind, Python's jsonschema, xmllint, Debian's Chromium, Node.js and npm,
# and then the npm packages of tests/npm (Microsoft's SARIF Multitool and
# playwright-core) at the versions its package-lock.json records. Run as root
# on Debian 12 or later.
set -eu
cd "$(dirname "$0")/.."

packages="gcc g++ pkg-config meson ninja-build python3 libjansson-dev libxxhash-dev libyaml-dev
check binutils"
with_tests=0
if [ "${1:-}" = "--test" ]; then
    with_tests=1
    packages="$packages valgrind python3-jsonschema libxml2-utils chromium"
    # A machine may have Node.js from elsewhere (NodeSource packages npm
    # inside nodejs); Debian's packages are installed only when it has none.
    if ! command -v npm >/dev/null 2>&1; then
        packages="$packages nodejs npm"
    fi
fi

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    echo "setup: all Debian packages are installed"
elif [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages:$missing" >&2
    echo "setup: run this script as root to install them with apt-get" >&2
    exit 1
else
    echo "setup: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086 # the package list is meant to split into words
    apt-get install -y -q --no-install-recommends $missing
fi

if [ "$with_tests" -eq 1 ]; then
    # A copy of the lock file beside the installed packages tells whether
    # they are still the ones it records.
    stamp=tests/npm/node_modules/.installed-lock.json
    if [ -f "$stamp" ] && cmp -s tests/npm/package-lock.json "$stamp"; then
        echo "setup: the npm test tools are installed"
    else
        echo "setup: installing the npm test tools (tests/npm)"
        npm ci --prefix tests/npm --no-audit --no-fund
        cp tests/npm/package-lock.json "$stamp"
    fi
fi
