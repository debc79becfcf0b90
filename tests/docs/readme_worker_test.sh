#!/usr/bin/env bash
# README.md's "External workers" shows the worker verbatim: the ```python block that follows the
# line naming docs/examples/kafka_worker.py must equal that file, which the tests run
# (tests/e2e/kafka_worker_test.py). Usage: readme_worker_test.sh <source-dir>
set -euo pipefail
source_dir=$1
example=$source_dir/docs/examples/kafka_worker.py
block=$(awk '/`docs\/examples\/kafka_worker.py`/ { armed = 1 }
             armed && !inside && /^```python$/ { inside = 1; next }
             inside && /^```$/ { exit }
             inside { print }' "$source_dir/README.md")
[[ -n $block ]] || {
  echo "FAILED: README.md has no \`\`\`python block after a line naming \`docs/examples/kafka_worker.py\`" >&2
  exit 1
}
diff -u --label "README.md (the worker's block)" --label "$example" <(printf '%s\n' "$block") "$example" || {
  echo "FAILED: README.md's worker differs from $example (above); change both" >&2
  exit 1
}
echo "ok: README.md's worker is docs/examples/kafka_worker.py"
