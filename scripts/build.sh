#!/usr/bin/env bash
# Installs dependencies (scripts/setup.sh) and builds Warden into build/ (or $BUILD_DIR).
# Extra arguments go to CMake's configure step, e.g. -DWARDEN_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build_dir=${BUILD_DIR:-build}
launcher=()
# ccache, when a developer has it, makes rebuilds in several build folders cheap; CI works without it.
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_NOHASHDIR=true CCACHE_BASEDIR=$PWD
fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "${launcher[@]}" "$@" >/dev/null
cmake --build "$build_dir" -j "${JOBS:-2}"
