#!/bin/sh
# Runs a program under valgrind's leak checker. Fails when valgrind finds a
# leak or a memory error (exit status 99); the program's own exit status 0
# or 1 (1: the scan found failed rules) counts as success.
set -u
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 "$@"
status=$?
case $status in
0 | 1) exit 0 ;;
*) echo "run-valgrind: $1 exited with status $status" >&2; exit 1 ;;
esac
