#!/usr/bin/env bash
# How good are the hidden tests? Grades wrong versions of each reference
# solution and counts how many the grader catches (loses points on).
#
#   tests/mutants/run.sh            both parts below, seeds 1 2 3
#   GRADER_SEEDS="7" tests/mutants/run.sh hand
#
# 1. cargo: cargo-mutants (`cargo install cargo-mutants --locked`) mutates the
#    crates here, one per assignment, whose src/main.rs is a fresh copy of
#    assignments/<name>/reference.rs; their one test, grade.rs, grades the
#    mutated file with the grader and passes only on full marks under every
#    seed.
# 2. hand: every patch in hand/<assignment>/ is a mutation cargo-mutants does
#    not make (a fetch_add split into a load and a store, a lock split in two,
#    a thread per item, ...). Its header names the file it applies to; a
#    `Kind: control` patch is a correct variant that must keep full marks.
#
# A mutant is killed when some seed loses points, viable when it compiles.
# Results go to target/mutants/ (summary.txt, cargo-mutants' mutants.out, each
# hand mutant's JSON reports). Slow, about 15 minutes on 2 busy cores, so it is
# not part of `cargo test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
parts=${1:-"cargo hand"}
out=$repo/target/mutants
export GRADER_SEEDS=${GRADER_SEEDS:-"1 2 3"}
export GRADER_BIN=$repo/target/release/grader

for tool in jq patch; do
  command -v "$tool" >/dev/null || { echo "run.sh needs $tool" >&2; exit 2; }
done
cargo build -q --release -p grader --manifest-path "$repo/Cargo.toml"
mkdir -p "$out"
summary=$out/summary.txt
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }
# Per assignment and in all: killed of viable, leaving out unviable mutants and controls.
tally() {
  awk -F'\t' '$3 !~ /^(unviable|control)/ { viable[$1]++; all++; if ($3 == "killed") { killed[$1]++; caught++ } }
    END { for (a in viable) printf "  %-13s killed %3d of %3d viable (%.1f%%)\n", a, killed[a], viable[a], 100 * killed[a] / viable[a]
          printf "  %-13s killed %3d of %3d viable (%.1f%%)\n", "all", caught, all, 100 * caught / all }' "$@"
}
say "seeds: $GRADER_SEEDS   grader: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo '+changes')"

if [[ $parts == *cargo* ]]; then
  command -v cargo-mutants >/dev/null || { echo "install cargo-mutants: cargo install cargo-mutants --locked" >&2; exit 2; }
  for crate in "$here"/*/Cargo.toml; do
    name=$(basename "$(dirname "$crate")")
    mkdir -p "$here/$name/src"
    cp "$repo/assignments/$name/reference.rs" "$here/$name/src/main.rs"
  done
  # A grading takes seconds; a hanging mutant's gradings take minutes, within
  # the grader's own time limits: no cargo-mutants timeout should decide.
  cargo mutants --dir "$here" --output "$out" --timeout 1800 --jobs 1 --no-shuffle >"$out/cargo-mutants.log" 2>&1 || true
  outcomes=$out/mutants.out/outcomes.json
  [ -f "$outcomes" ] || { echo "cargo-mutants wrote no outcomes: see $out/cargo-mutants.log" >&2; exit 2; }
  jq -e '.outcomes[] | select(.scenario == "Baseline") | .summary == "Success"' "$outcomes" >/dev/null \
    || { echo "the unmutated references did not get full marks: see $out/cargo-mutants.log" >&2; exit 2; }
  jq -r '.outcomes[] | select(.scenario | type == "object") | .scenario.Mutant as $mutant
         | [$mutant.package, $mutant.name,
            (if .summary == "CaughtMutant" then "killed" elif .summary == "Unviable" then "unviable"
             else "survived (\(.summary))" end)] | @tsv' "$outcomes" >"$out/cargo.tsv"
fi

if [[ $parts == *hand* ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  : >"$out/hand.tsv"
  for patch_file in "$here"/hand/*/*.patch; do
    assignment=$(basename "$(dirname "$patch_file")")
    name=$(basename "$patch_file" .patch)
    base=$(sed -n 's/^Base: //p' "$patch_file")
    kind=$(sed -n 's/^Kind: //p' "$patch_file")
    mkdir -p "$scratch/$assignment" "$out/hand/$assignment"
    mutant=$scratch/$assignment/$name.rs
    patch -s -o "$mutant" "$repo/$base" <"$patch_file"
    caught=0 graded=0 built=ok groups=""
    for seed in $GRADER_SEEDS; do
      report=$out/hand/$assignment/$name.seed$seed.json
      "$GRADER_BIN" grade "$assignment" "$mutant" --format json --seed "$seed" >"$report" || true
      graded=$((graded + 1))
      [ "$(jq -r .build.status "$report")" = ok ] || built=failed
      if jq -e '.score < .max_score' "$report" >/dev/null; then
        caught=$((caught + 1))
        groups="$groups $(jq -r '[.tests[] | select(.status != "passed") | .kind] | unique | join(",")' "$report")"
      fi
    done
    groups=$(echo "$groups" | tr ' ,' '\n\n' | sed '/^$/d' | sort -u | paste -sd, -)
    if [ "$built" != ok ]; then verdict=unviable
    elif [ "$kind" = control ]; then verdict=$([ $caught = 0 ] && echo "control: full marks" || echo "control LOST POINTS")
    elif [ $caught -gt 0 ]; then verdict=killed
    else verdict=survived
    fi
    printf '%s\t%s\t%s\t%s\n' "$assignment" "$name" "$verdict" "$caught of $graded seeds: ${groups:--}" >>"$out/hand.tsv"
  done
fi

# Each part's mutants, the ones not killed first, then the kill rates.
for part in $parts; do
  say ""
  say "$part: $(wc -l <"$out/$part.tsv") mutants"
  sort -t$'\t' -k3,3r -k1,2 "$out/$part.tsv" | awk -F'\t' '{ printf "  %-13s %-30s %-22s %s\n", $1, $2, $3, $4 }' | tee -a "$summary"
  tally "$out/$part.tsv" | sort | tee -a "$summary"
done
if [[ $parts == *cargo* && $parts == *hand* ]]; then
  say ""
  say "both"
  tally "$out/cargo.tsv" "$out/hand.tsv" | sort | tee -a "$summary"
fi
echo "written to $summary"
