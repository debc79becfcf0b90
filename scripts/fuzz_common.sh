# Sourced by scripts/fuzz.sh and scripts/fuzz_soak.sh: the targets, their build and their options.
all_targets=(manifest iso8601 timer_definition cron_schedule config mustache alertmanager
             flink_overview routes)

# Which dictionary helps which target (fuzz/dict/).
declare -A dictionary=(
  [manifest]=json [config]=json [alertmanager]=json [flink_overview]=json [routes]=json
  [iso8601]=iso8601 [timer_definition]=iso8601 [cron_schedule]=cron [mustache]=mustache)

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# build_fuzz_targets TARGET...: builds them with clang into build-fuzz/.
build_fuzz_targets() {
  bash scripts/setup.sh
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_NOHASHDIR=true CCACHE_BASEDIR=$PWD
  fi
  # -O1 with line tables: what libFuzzer's documentation advises, and half the compile time of
  # -O2 -g. Release without NDEBUG: assertions stay on.
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DWARDEN_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only" \
    "${launcher[@]}" >/dev/null
  cmake --build build-fuzz -j "${JOBS:-2}" --target "${@/%/_fuzz}"
}

# fuzz_options TARGET ARTIFACT_PREFIX: libFuzzer's options for a run (the time limit is the
# caller's). A crash, a sanitizer report, a 10 s input or 2 GiB is a finding.
fuzz_options() {
  local options=(-rss_limit_mb=2048 -timeout=10 -detect_leaks=1 -print_final_stats=1
                 -artifact_prefix="$2")
  [[ -n ${dictionary[$1]:-} ]] && options+=(-dict="fuzz/dict/${dictionary[$1]}.dict")
  printf '%s\n' "${options[@]}"
}

# fuzz_tmpdir: where a target writes its scratch files (the manifest target writes a plugin folder
# per input): memory when /dev/shm is there, else the usual TMPDIR. On disk the manifest target
# spent half its time waiting for it.
fuzz_tmpdir() {
  if [[ -d /dev/shm && -w /dev/shm ]]; then echo /dev/shm; else echo "${TMPDIR:-/tmp}"; fi
}

# fuzz_stats TARGET LOG: the final figures of a run, a line each.
fuzz_stats() {
  grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$2" |
    awk -v t="$1" '!seen[$0]++ { print "fuzz: " t " " $0 }' || true
}

# keep_finding TARGET ARTIFACTS LOG: shows the end of the log and copies the reproducers out.
keep_finding() {
  tail -n 60 "$3" >&2
  local keep
  keep=$(mktemp -d "${TMPDIR:-/tmp}/warden-fuzz-finding.XXXXXX")
  cp -r "$2." "$keep/"
  echo "fuzz: $1 FAILED; reproducer(s) in $keep: $(ls "$keep" | tr '\n' ' ')" >&2
  echo "fuzz: reproduce with build-fuzz/fuzz/${1}_fuzz $keep/<file>" >&2
}
