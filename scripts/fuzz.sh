#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang into build-fuzz/ and runs each for a while.
#   scripts/fuzz.sh [seconds-per-target] [target...]     # default: 60 s, every target
# Each target starts from a copy of its seed corpus (fuzz/corpus/<target>/) in a temporary folder,
# so the repository is not changed. Exits non-zero when any target finds a crash, a leak or a
# timeout, and prints where the reproducer is (run it again: `build-fuzz/fuzz/<target>_fuzz FILE`).
# FUZZ_KEEP=1 keeps the temporary folder (the grown corpora) and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all_targets=(manifest iso8601 timer_definition cron_schedule config mustache alertmanager
             flink_overview routes)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")

bash scripts/setup.sh
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_NOHASHDIR=true CCACHE_BASEDIR=$PWD
fi
# -O1 with line tables: what libFuzzer's documentation advises, and half the compile time of -O2 -g.
# Release without NDEBUG: assertions stay on.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DWARDEN_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only" \
  "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j "${JOBS:-2}" --target "${targets[@]/%/_fuzz}"

# Which dictionary helps which target (fuzz/dict/).
declare -A dictionary=(
  [manifest]=json [config]=json [alertmanager]=json [flink_overview]=json [routes]=json
  [iso8601]=iso8601 [timer_definition]=iso8601 [cron_schedule]=cron [mustache]=mustache)

work=$(mktemp -d "${TMPDIR:-/tmp}/warden-fuzz.XXXXXX")
[[ ${FUZZ_KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=()
for target in "${targets[@]}"; do
  corpus=$work/corpus/$target
  artifacts=$work/artifacts/$target/
  mkdir -p "$corpus" "$artifacts"
  cp -r "fuzz/corpus/$target/." "$corpus/" 2>/dev/null || true
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -detect_leaks=1
           -print_final_stats=1 -artifact_prefix="$artifacts")
  [[ -n ${dictionary[$target]:-} ]] && options+=(-dict="fuzz/dict/${dictionary[$target]}.dict")
  echo "fuzz: $target for ${seconds} s"
  log=$work/$target.log
  if ! "build-fuzz/fuzz/${target}_fuzz" "${options[@]}" "$corpus" >"$log" 2>&1; then
    failed+=("$target")
    tail -n 60 "$log" >&2
    keep=$(mktemp -d "${TMPDIR:-/tmp}/warden-fuzz-finding.XXXXXX")
    cp -r "$artifacts." "$keep/"
    echo "fuzz: $target FAILED; reproducer(s) in $keep: $(ls "$keep" | tr '\n' ' ')" >&2
    echo "fuzz: reproduce with build-fuzz/fuzz/${target}_fuzz $keep/<file>" >&2
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$log" |
    awk -v t="$target" '!seen[$0]++ { print "fuzz: " t " " $0 }' || true
done
[[ ${FUZZ_KEEP:-0} == 1 ]] && echo "fuzz: corpora and logs kept in $work"

if ((${#failed[@]})); then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no findings"
