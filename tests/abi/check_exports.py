#!/usr/bin/env python3
"""Checks the ABI surface of the built shared library.

Usage: check_exports.py LIBRARY HEADER_DIR

- The dynamic symbols the library defines are exactly the functions the
  public headers mark SOC2_API: nothing internal and no jansson or xxHash
  symbol leaks out, and no public function is missing.
- The soname carries the major ABI version (libsoc2.so.N).
"""
import pathlib
import re
import subprocess
import sys


def declared_functions(header_dir: pathlib.Path) -> set:
    names = set()
    pattern = re.compile(r'SOC2_API\s+[^;(]*?\b(soc2_\w+)\s*\(', re.S)
    for header in sorted(header_dir.glob('*.h')):
        text = header.read_text(encoding='utf-8')
        names.update(pattern.findall(text))
    return names


def exported_symbols(library: str) -> set:
    out = subprocess.run(['nm', '-D', '--defined-only', library], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in ('T', 'W', 'D', 'B', 'R'):
            names.add(parts[2].split('@')[0])
    return names


def soname(library: str) -> str:
    out = subprocess.run(['objdump', '-p', library], check=True, capture_output=True,
                         text=True).stdout
    match = re.search(r'SONAME\s+(\S+)', out)
    return match.group(1) if match else ''


def main() -> int:
    library, header_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    declared = declared_functions(header_dir)
    exported = exported_symbols(library)
    failures = []
    if not declared:
        failures.append('no SOC2_API function found in the headers')
    for name in sorted(exported - declared):
        failures.append(f'exported but not declared SOC2_API: {name}')
    for name in sorted(declared - exported):
        failures.append(f'declared SOC2_API but not exported: {name}')
    name = soname(library)
    if not re.fullmatch(r'libsoc2\.so\.\d+', name):
        failures.append(f'unexpected soname "{name}" (expected libsoc2.so.N)')
    for failure in failures:
        print(f'check_exports: {failure}', file=sys.stderr)
    print(f'check_exports: {len(exported)} exported symbols, {len(declared)} declared, '
          f'soname {name}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
