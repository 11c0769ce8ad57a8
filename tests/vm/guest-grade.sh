#!/bin/bash
# Runs inside the cgroup v2 VM, as root (tests/vm/run.sh grade starts it): the
# real grader, with --sandbox required, grades two hostile submissions (a
# growing allocation, 30,000 threads) as root and as uid 1000 alone in a
# delegated group. Each report must show every test stopped at the limit,
# the thread cap's number present (it is shown only when a pids group held
# it), no note of lost isolation, and no warning on stderr.
set -u
cd /mnt/proj
GRADER=/mnt/proj/target/vm/grader
CG=/sys/fs/cgroup
# The toolchain's own bin folder, so that uid 1000 needs no rustup state;
# /root is opened up only in the guest's throw-away overlay.
SYSROOT=$(rustc --print sysroot)
chmod 755 /root
export PATH=$SYSROOT/bin:/usr/local/bin:/usr/bin:/bin
status=0
# The VM emulates its CPUs: rustc takes 25 times as long as on the host, so
# the builds get minutes instead of the spec's 30 s.
ASSIGNMENTS=/tmp/vm-assignments
mkdir -p $ASSIGNMENTS && cp -r assignments/parallel_sum $ASSIGNMENTS/
sed -i 's/^limits:$/limits:\n  build_timeout_secs: 600/' $ASSIGNMENTS/parallel_sum/assignment.yaml
chmod -R a+rX $ASSIGNMENTS

# The grader as root, and as uid 1000 moved into the delegated group /ta
# first; once a grader has moved itself into /ta/grader-self, /ta passes
# controllers on and may hold no process, so later ones start in the leaf.
as_root() { ENTRY=$(sed -n 's/^0:://p' /proc/self/cgroup); "$@"; }
as_user() {
  ENTRY=/ta
  [ -d $CG/ta/grader-self ] && ENTRY=/ta/grader-self
  sh -c "echo \$\$ > $CG$ENTRY/cgroup.procs && exec setpriv --reuid=1000 --regid=1000 --clear-groups env HOME=/tmp/home1000 \"\$0\" \"\$@\"" "$@"
}

# grade <as_root|as_user> <submission> <expected words> [grader options…]: grades and checks the report.
grade() {
  local who=$1 name=$2 words=$3; shift 3
  local out=/tmp/$who-$name
  local started=$(date +%s)
  $who "$GRADER" --sandbox required --assignments $ASSIGNMENTS grade parallel_sum "tests/hostile/$name.rs" --seed 7 --audience staff --format json "$@" \
    > "$out.json" 2> "$out.err"
  echo "-- $who $name, started in $ENTRY: exit $?, $(( $(date +%s) - started )) s"
  python3 - "$out" "$words" <<'PY' || status=1
import json, sys
out, words = sys.argv[1], sys.argv[2]
err = open(out + ".err").read()
report = json.load(open(out + ".json"))
tests = [(t["status"], t["message"]) for t in report["tests"]]
for status, message in tests:
    print(f"   {status}: {message[:110]}")
if report["build"]["status"] != "ok":
    print(f"   build: {report['build']['message']}")
print(f"   notes: {report['notes']}")
problems = [w for w in err.splitlines() if w.startswith("warning:")]
if report["notes"] or problems or not tests or not all(s == "limit" and words in m for s, m in tests):
    print(f"   FAIL (expected every test to be 'limit' with {words!r}; stderr: {err.strip()[:400]})")
    sys.exit(1)
print("   PASS")
PY
}

echo "== kernel $(uname -r), /sys/fs/cgroup is $(stat -fc %T $CG)"
echo "== (a) root"
# 300 s per test: the VM emulates its CPUs, and 512 traced threads take many seconds to start there.
grade as_root spawn_30000_threads "limit on threads and processes (512 threads and processes)" --only example,output --timeout 300
grade as_root allocate_growing "memory limit (2 GiB)" --only output --timeout 60

echo "== (b) uid 1000, alone in the delegated group /ta"
mkdir $CG/ta
chown 1000:1000 $CG/ta $CG/ta/cgroup.procs $CG/ta/cgroup.subtree_control $CG/ta/cgroup.threads
mkdir -p /tmp/home1000 && chown 1000:1000 /tmp/home1000
grade as_user spawn_30000_threads "limit on threads and processes (512 threads and processes)" --only example,output --timeout 300
grade as_user allocate_growing "memory limit (2 GiB)" --only output --timeout 60
echo "/ta afterwards: passes on '$(cat $CG/ta/cgroup.subtree_control)'; holds: $(cd $CG/ta && find . -mindepth 1 -maxdepth 1 -type d)"

echo "== the grader in the VM: $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
