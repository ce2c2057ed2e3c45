#!/usr/bin/env bash
# Install what the local stack needs, and only what is missing (idempotent; a few ms when all is there):
#   - Debian packages: Orthanc (+ Python and DICOMweb plugins), dcmtk, dicom3tools, dcm2niix, tesseract-ocr
#     (pixel OCR of the deid profiles that enable it);
#     the system Orthanc service is kept stopped (the stack runs its own Orthancs on free ports);
#   - .venv with the project installed editable with the dev and local extras, redone when pyproject.toml
#     is newer than the stamp file.
# Environment: PYTHON (interpreter for the venv, default python3), VENV (default .venv).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
STAMP="$VENV/.radcurate-installed"
ORTHANC_PLUGINS=/usr/share/orthanc/plugins

say() { printf 'bootstrap: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        say "need root for: $*" >&2
        exit 1
    fi
}

have_cmd() { PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null; }

stop_pid() {  # SIGTERM one pid, wait up to 15 s for it to exit
    as_root kill "$1" 2>/dev/null || return 0
    for _ in $(seq 150); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    say "warning: pid $1 still running after SIGTERM"
}

# ---- Debian packages: package -> what it provides -----------------------------------------------------------
missing=()
have_cmd Orthanc || missing+=(orthanc)
[ -e "$ORTHANC_PLUGINS/libOrthancPython.so" ] || missing+=(orthanc-python)
[ -e "$ORTHANC_PLUGINS/libOrthancDicomWeb.so" ] || missing+=(orthanc-dicomweb)
have_cmd storescu || missing+=(dcmtk)
have_cmd dciodvfy || missing+=(dicom3tools)
have_cmd dcm2niix || missing+=(dcm2niix)
have_cmd tesseract || missing+=(tesseract-ocr)

installed_orthanc=no
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    have_cmd Orthanc || installed_orthanc=yes
    # apt-get update only when a package is unknown to the current lists, or the lists are stale (the
    # install then fails to fetch): update and retry once.
    updated=no
    if ! apt-cache show --no-all-versions "${missing[@]}" >/dev/null 2>&1; then
        say "apt-get update"
        as_root apt-get update -q
        updated=yes
    fi
    # Keep maintainer scripts from starting the orthanc service (policy-rc.d: 101 = action forbidden).
    made_policy=no
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
        made_policy=yes
        trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt_install() {
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    }
    say "apt-get install ${missing[*]}"
    if ! apt_install; then
        [ "$updated" = no ] || exit 1
        say "install failed with the current package lists: apt-get update, then retry"
        as_root apt-get update -q
        apt_install
    fi
    if [ "$made_policy" = yes ]; then
        as_root rm -f /usr/sbin/policy-rc.d
        trap - EXIT
    fi
else
    say "Debian packages present (orthanc, plugins, dcmtk, dicom3tools, dcm2niix, tesseract-ocr)"
fi

# ---- no system Orthanc: the stack starts its own ----------------------------------------------------------
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    if systemctl is-active --quiet orthanc 2>/dev/null; then
        say "stopping the system orthanc service"
        as_root systemctl stop orthanc
    fi
    if [ "$installed_orthanc" = yes ] && systemctl is-enabled --quiet orthanc 2>/dev/null; then
        say "disabling the system orthanc service"
        as_root systemctl disable --quiet orthanc
    fi
elif [ -x /etc/init.d/orthanc ] && [ -s /run/orthanc.pid ] && kill -0 "$(cat /run/orthanc.pid)" 2>/dev/null; then
    say "stopping the system orthanc service"
    as_root /etc/init.d/orthanc stop || true
fi
if [ -s /run/orthanc.pid ]; then  # the service's own pid file, in case the init script left it running
    pid=$(cat /run/orthanc.pid)
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q /etc/orthanc; then
        say "killing leftover system Orthanc (pid $pid)"
        stop_pid "$pid"
    fi
fi
for port in 8042 4242; do  # Orthanc's default ports, as a system Orthanc started by hand would use
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || continue
    pid=$(command -v ss >/dev/null && ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '/etc/orthanc'; then
        say "killing system Orthanc listening on $port (pid $pid)"
        stop_pid "$pid"
    else
        say "warning: something else listens on port $port (the stack does not need it: it picks free ports)"
    fi
done

# ---- Python environment --------------------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV with $PYTHON ($("$PYTHON" --version 2>&1))"
    "$PYTHON" -m venv "$VENV"
    rm -f "$STAMP"
fi
if [ ! -e "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    say "pip install -e '.[dev,local]' into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev,local]'
    touch "$STAMP"
else
    say "$VENV up to date with pyproject.toml"
fi
