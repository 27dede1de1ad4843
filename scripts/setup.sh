#!/bin/sh
# Installs, with apt-get, the Debian packages libsoc2 needs to build and test,
# skipping those already installed. Run as root on Debian 12 or later.
set -eu

packages="gcc g++ pkg-config meson ninja-build python3 libjansson-dev libxxhash-dev libyaml-dev
check valgrind binutils python3-jsonschema"

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    echo "setup: all build and test packages are installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages:$missing" >&2
    echo "setup: run this script as root to install them with apt-get" >&2
    exit 1
fi

echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # the package list is meant to split into words
apt-get install -y -q --no-install-recommends $missing
