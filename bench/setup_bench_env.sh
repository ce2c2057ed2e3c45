#!/usr/bin/env bash
# Create .venv-bench: the project plus the de-identification tools bench/deid_bench.py compares against.
# The peers live here only, never in .venv. Idempotent: reinstalls when this script is newer than the stamp.
# Environment: PYTHON (interpreter, default python3), BENCH_VENV (default .venv-bench).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${BENCH_VENV:-.venv-bench}
STAMP="$VENV/.radcurate-bench-installed"
PEERS=(
    "dicom-anonymizer==2.1.0"
    "dicognito==0.19.0"
    "deid==0.4.13"  # pydicom-deid
)

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup_bench_env: creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
    rm -f "$STAMP"
fi
if [ ! -e "$STAMP" ] || [ "$0" -nt "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    echo "setup_bench_env: installing the project and ${PEERS[*]}"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e . "${PEERS[@]}"
    touch "$STAMP"
fi
echo "setup_bench_env: ready; run $VENV/bin/python bench/deid_bench.py"
