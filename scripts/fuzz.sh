#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang into build-fuzz/ and runs each for a while.
#   scripts/fuzz.sh [seconds-per-target] [target...]     # default: 60 s, every target
# Each target starts from a copy of its seed corpus (fuzz/corpus/<target>/) in a temporary folder,
# so the repository is not changed. Exits non-zero when any target finds a crash, a leak or a
# timeout, and prints where the reproducer is (run it again: `build-fuzz/fuzz/<target>_fuzz FILE`).
# FUZZ_KEEP=1 keeps the temporary folder (the grown corpora) and prints it. For long runs that can
# be stopped and resumed, see scripts/fuzz_soak.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/fuzz_common.sh

seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
build_fuzz_targets "${targets[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/warden-fuzz.XXXXXX")
[[ ${FUZZ_KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT

failed=()
for target in "${targets[@]}"; do
  corpus=$work/corpus/$target
  artifacts=$work/artifacts/$target/
  mkdir -p "$corpus" "$artifacts"
  cp -r "fuzz/corpus/$target/." "$corpus/" 2>/dev/null || true
  mapfile -t options < <(fuzz_options "$target" "$artifacts")
  echo "fuzz: $target for ${seconds} s"
  log=$work/$target.log
  if ! TMPDIR=$(fuzz_tmpdir) "build-fuzz/fuzz/${target}_fuzz" -max_total_time="$seconds" \
    "${options[@]}" "$corpus" >"$log" 2>&1; then
    failed+=("$target")
    keep_finding "$target" "$artifacts" "$log"
  fi
  fuzz_stats "$target" "$log"
done
[[ ${FUZZ_KEEP:-0} == 1 ]] && echo "fuzz: corpora and logs kept in $work"

if ((${#failed[@]})); then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no findings"
