#!/bin/bash
# Builds on this host, then runs in the cgroup v2 VM:
#   tests/vm/run.sh         the control group unit tests (guest-cgroup.sh)
#   tests/vm/run.sh grade   the real grader on two hostile submissions (guest-grade.sh)
# Not run by CI: see README.md. Env: VM_TOOLS (the VM's scripts), VM_DIR, LOG.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
VM_TOOLS=${VM_TOOLS:-/work/shared/vm}
[ -x "$VM_TOOLS/run-in-vm.sh" ] || { echo "no VM scripts in $VM_TOOLS (set VM_TOOLS)" >&2; exit 2; }
cd "$REPO"
mkdir -p target/vm
# rustc is about 25 times slower in the VM: build here, run there.
case "${1:-unit}" in
  unit)
    BIN=$(cargo test -p grader --lib --no-run --message-format=json 2>/dev/null |
      sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
    [ -x "$BIN" ] || { echo "the unit test binary did not build" >&2; exit 2; }
    cp "$BIN" target/vm/grader-lib-tests
    GUEST=tests/vm/guest-cgroup.sh ;;
  grade)
    cargo build -p grader
    cp target/debug/grader target/vm/grader
    GUEST=tests/vm/guest-grade.sh ;;
  *) echo "usage: $0 [unit|grade]" >&2; exit 2 ;;
esac
exec "$VM_TOOLS/run-in-vm.sh" "$REPO" "$GUEST"
