#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image: it installs
# Rust and the grader. The grader brings the assignments, their hidden tests
# included, inside its binary, so nothing else needs copying.
#
# Replace YOUR-ORG/grader with the course's grader repository (and pin a --tag
# or --rev so that every submission is graded the same way).
set -euo pipefail

apt-get update
# bubblewrap is the sandbox the tests run in, where the container allows it;
# jq writes run_autograder's results when the grader itself cannot run.
apt-get install -y --no-install-recommends ca-certificates curl build-essential bubblewrap jq

# Rust goes where run_autograder looks for it, for every user.
export RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --no-modify-path
export PATH="$CARGO_HOME/bin:$PATH"

cargo install --git https://github.com/YOUR-ORG/grader grader --locked
grader --version
