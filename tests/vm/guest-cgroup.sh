#!/bin/bash
# Runs inside the cgroup v2 VM, as root (tests/vm/run.sh starts it): the
# control group unit tests (a) as root, (b) as uid 1000 in a group delegated
# to it, then (b2) started in the leaf the first run moved into, (c) as uid
# 1000 with no delegation, (d) as uid 1000 in a delegated group that another
# process shares. (a), (b) and (b2) must cap for real (GRADER_REQUIRE_CGROUPS:
# a test that cannot make its group fails); (c) and (d) show what the grader
# says it lacks.
set -u
BIN=/mnt/proj/target/vm/grader-lib-tests
TESTS=process::cgroup
CG=/sys/fs/cgroup
AS_USER="setpriv --reuid=1000 --regid=1000 --clear-groups"
status=0

# A group for uid 1000, handed over as systemd hands over user@.service's.
delegate() {
  mkdir "$CG/$1"
  chown 1000:1000 "$CG/$1" "$CG/$1/cgroup.procs" "$CG/$1/cgroup.subtree_control" "$CG/$1/cgroup.threads"
  echo $((1 << 30)) > "$CG/$1/memory.max"
}

echo "== kernel $(uname -r), /sys/fs/cgroup is $(stat -fc %T $CG), the root passes on: $(cat $CG/cgroup.subtree_control)"

echo "== (a) root, in $(cat /proc/self/cgroup)"
GRADER_REQUIRE_CGROUPS=1 "$BIN" "$TESTS" --test-threads=1 --nocapture || status=1

echo "== (b) uid 1000, alone in the delegated group /ta"
delegate ta
# The shell moves itself in, then becomes the tests: they are the group's only process.
sh -c "echo \$\$ > $CG/ta/cgroup.procs && exec $AS_USER env GRADER_REQUIRE_CGROUPS=1 $BIN $TESTS --test-threads=1 --nocapture" || status=1
echo "/ta afterwards: passes on '$(cat $CG/ta/cgroup.subtree_control)'; holds: $(cd $CG/ta && find . -mindepth 1 -maxdepth 1 -type d)"

echo "== (b2) uid 1000, started in /ta/grader-self, where (b) moved itself"
# /ta passes controllers on now, so it may hold no process: the leaf is the way in.
sh -c "echo \$\$ > $CG/ta/grader-self/cgroup.procs && exec $AS_USER env GRADER_REQUIRE_CGROUPS=1 $BIN $TESTS --test-threads=1 --nocapture" || status=1
echo "/ta afterwards: holds: $(cd $CG/ta && find . -mindepth 1 -type d)"

echo "== (c) uid 1000, no delegation (in the root group)"
$AS_USER "$BIN" "$TESTS" --test-threads=1 --nocapture || status=1

echo "== (d) uid 1000, in the delegated group /shared with another process"
delegate shared
sh -c "echo \$\$ > $CG/shared/cgroup.procs && exec sleep 60" &
sleeper=$!
sleep 0.5
sh -c "echo \$\$ > $CG/shared/cgroup.procs && exec $AS_USER $BIN $TESTS --test-threads=1 --nocapture" || status=1
kill $sleeper

echo "== cgroup tests in the VM: $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
