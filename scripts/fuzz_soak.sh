#!/usr/bin/env bash
# Fuzzes each target until it has had CPU-SECONDS of CPU time (default 3600: issue 16's hour with
# no finding), FUZZ_JOBS targets at once (default 2). Counted in CPU time, not wall time, so a run
# beside other work is not counted for more than it fuzzed.
#   scripts/fuzz_soak.sh [cpu-seconds] [target...]   # default: 3600, every target
#   scripts/fuzz_soak.sh status                      # what each target has had so far
# Resumable: the grown corpora, the logs and a ledger of every segment live in FUZZ_HOME (default
# ~/.cache/warden-fuzz). A target's clean segments add up, each starting from the corpus the last
# one grew. Ctrl-C, SIGTERM or `touch $FUZZ_HOME/stop` ends the running segments cleanly and
# records them. A segment with a finding stops that target until its ledger line is removed (after
# the fix). Ledger line: <UTC start> <cpu seconds> <executions> <clean|finding> <log>
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/fuzz_common.sh

home=${FUZZ_HOME:-$HOME/.cache/warden-fuzz}
mkdir -p "$home/corpus" "$home/artifacts" "$home/logs"
stop=$home/stop
ticks=$(getconf CLK_TCK)

status() {
  local target
  for target in "${all_targets[@]}"; do
    [[ -f $home/$target.ledger ]] || { echo "$target: not run"; continue; }
    awk -v t="$target" '$4 == "clean" { s += $2; e += $3; n++ } $4 != "clean" { f++ }
      END { printf "%s: %d cpu seconds in %d segments, %d executions, %d findings\n",
            t, s, n, e, f }' "$home/$target.ledger"
  done
}

# soak TARGET BUDGET: one segment, until the target's clean CPU seconds reach BUDGET.
soak() {
  local target=$1 budget=$2 ledger=$home/$1.ledger
  [[ -e $stop ]] && return 0
  touch "$ledger"
  if grep -q ' finding ' "$ledger"; then
    echo "fuzz: $target has a finding in $ledger; fix it and remove that line" >&2
    return 1
  fi
  local had
  had=$(awk '$4 == "clean" { s += $2 } END { print int(s) }' "$ledger")
  ((had < budget)) || { echo "fuzz: $target has had $had s"; return 0; }
  local corpus=$home/corpus/$target artifacts=$home/artifacts/$target/
  if [[ ! -d $corpus ]]; then
    mkdir -p "$corpus"
    cp -r "fuzz/corpus/$target/." "$corpus/" 2>/dev/null || true
  fi
  mkdir -p "$artifacts"
  local started log
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  log=$home/logs/$target-${started//:/}.log
  mapfile -t options < <(fuzz_options "$target" "$artifacts")
  echo "fuzz: $target from $had s towards $budget s of CPU"
  TMPDIR=$(fuzz_tmpdir) "build-fuzz/fuzz/${target}_fuzz" -max_total_time=$((10 * budget)) \
    "${options[@]}" "$corpus" >"$log" 2>&1 &
  local pid=$! cpu=0 stopped=0
  while kill -0 "$pid" 2>/dev/null; do
    local now
    now=$(awk -v hz="$ticks" '{ print int(($14 + $15) / hz) }' "/proc/$pid/stat" 2>/dev/null) ||
      break
    [[ -n $now ]] && cpu=$now
    if ((had + cpu >= budget)) || [[ -e $stop ]]; then
      kill -TERM "$pid" 2>/dev/null  # libFuzzer: print the final stats and exit
      stopped=1
      break
    fi
    sleep 2
  done
  wait "$pid"
  local rc=$? result=clean executions
  # 72: libFuzzer's exit code when it was interrupted (by the SIGTERM above); 143: the SIGTERM
  # came before libFuzzer had set its handler.
  if ((rc != 0 && !(stopped && (rc == 72 || rc == 143)))) ||
    grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:|^SUMMARY: ' "$log"; then
    result=finding
    keep_finding "$target" "$artifacts" "$log"
  fi
  executions=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{ print $2 }')
  echo "$started $cpu ${executions:-0} $result $log" >>"$ledger"
  echo "fuzz: $target $result after $cpu s of CPU (${executions:-0} executions); $((had + cpu)) s in all"
  [[ $result == clean ]]
}

if [[ ${1:-} == status ]]; then
  status
  exit 0
fi
budget=${1:-3600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
build_fuzz_targets "${targets[@]}" || exit 1
rm -f "$stop"
trap 'touch "$stop"' INT TERM

failed=0
for target in "${targets[@]}"; do
  [[ -e $stop ]] && break
  while (($(jobs -rp | wc -l) >= ${FUZZ_JOBS:-2})); do wait -n || [[ -e $stop ]] || failed=1; done
  [[ -e $stop ]] && break
  soak "$target" "$budget" &
done
while (($(jobs -rp | wc -l) > 0)); do wait -n || [[ -e $stop ]] || failed=1; done
status
exit $failed
