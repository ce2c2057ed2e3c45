"""Schema validation of rendered manifests (scripts/k8s_check.sh runs it on build/k8s/<overlay>.yaml).

- Kubernetes' own kinds: kubernetes-validate in strict mode (unknown fields are errors, as with
  `kubectl apply --validate=strict`) against the oldest supported and the newest bundled API versions.
- KEDA ScaledObject: the cloudcoil-models-keda models, generated from KEDA's CRD; fields they drop are
  reported as unknown (the API server would prune them silently).
- Other custom resources (Strimzi Kafka/KafkaNodePool/KafkaTopic, MongoDBCommunity): no package on the
  reachable registries carries their schemas, so by default they are listed as not schema-checked (their
  invariants are tested in tests/deploy). With --crd-dir DIR (or K8S_CHECK_CRD_DIR), every custom resource is
  validated against the openAPIV3Schema of the CustomResourceDefinitions found in DIR's *.yaml, e.g. from
  `kubectl get crd kafkas.kafka.strimzi.io -o yaml` on a cluster running the operators you deploy with.

    python validate.py [--crd-dir DIR] build/k8s/dev.yaml build/k8s/prod.yaml
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError

#: Oldest Kubernetes minor this tree supports (PodDisruptionBudget.unhealthyPodEvictionPolicy is GA in 1.31,
#: beta and on by default since 1.27) and the newest the installed kubernetes-validate bundles.
MIN_KUBERNETES = "1.30"

Doc = dict[str, Any]


def load(paths: Iterable[Path]) -> Iterator[tuple[Path, Doc]]:
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                yield path, doc


def builtin(api_version: str) -> bool:
    group = api_version.rpartition("/")[0]
    return group == "" or "." not in group or group.endswith(".k8s.io")


def label(doc: Doc) -> str:
    meta = doc.get("metadata", {})
    return f"{doc.get('kind')}/{meta.get('name')}"


# ---- KEDA through cloudcoil's generated models -------------------------------------------------------------

def unknown_fields(given: Any, kept: Any, path: str = "") -> list[str]:
    """Keys present in `given` but dropped by the model (pydantic ignores unknown fields)."""
    found: list[str] = []
    if isinstance(given, dict) and isinstance(kept, dict):
        for key, value in given.items():
            if key not in kept:
                found.append(f"{path}.{key}".lstrip("."))
            else:
                found.extend(unknown_fields(value, kept[key], f"{path}.{key}"))
    elif isinstance(given, list) and isinstance(kept, list):
        for index, (item, kept_item) in enumerate(zip(given, kept, strict=False)):
            found.extend(unknown_fields(item, kept_item, f"{path}[{index}]"))
    return found


def validate_keda(doc: Doc) -> list[str]:
    from cloudcoil.models.keda import v1alpha1 as keda
    from pydantic import ValidationError as PydanticError

    model = getattr(keda, doc["kind"], None)
    if model is None:
        return [f"no cloudcoil-models-keda model for {doc['kind']}"]
    try:
        parsed = model.model_validate(doc)
    except PydanticError as exc:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    kept = parsed.model_dump(by_alias=True, exclude_unset=True, mode="json")
    return [f"{field}: unknown field" for field in unknown_fields(doc, kept)]


# ---- any custom resource through its CRD -------------------------------------------------------------------

def crd_to_jsonschema(schema: Any, strict: bool = True, in_combinator: bool = False) -> Any:
    """openAPIV3Schema -> JSON Schema: nullable, int-or-string, and (strict) no unknown properties."""
    if isinstance(schema, list):
        return [crd_to_jsonschema(s, strict, in_combinator) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties"):
            out[key] = {k: crd_to_jsonschema(v, strict, False) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = crd_to_jsonschema(value, strict, key == "not")
        elif key in ("anyOf", "oneOf", "allOf"):
            out[key] = crd_to_jsonschema(value, strict, True)
        elif not key.startswith("x-kubernetes-") and key != "nullable":
            out[key] = copy.deepcopy(value)
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if (strict and not in_combinator and "properties" in out and "additionalProperties" not in out
            and not schema.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def load_crds(directory: Path) -> dict[tuple[str, str], Any]:
    """{(apiVersion, kind): JSON Schema} of every served version of the CRDs in `directory`."""
    schemas: dict[tuple[str, str], Any] = {}
    for path in sorted(directory.glob("*.y*ml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = doc["spec"]["group"], doc["spec"]["names"]["kind"]
            for version in doc["spec"]["versions"]:
                if version.get("served", True):
                    raw = version["schema"]["openAPIV3Schema"]
                    schemas[(f"{group}/{version['name']}", kind)] = crd_to_jsonschema(raw)
    return schemas


def validate_with_crd(doc: Doc, schema: Any) -> list[str]:
    body = {k: v for k, v in doc.items() if k not in ("apiVersion", "kind", "metadata")}
    schema = {**schema, "properties": {k: v for k, v in schema.get("properties", {}).items()
                                       if k not in ("apiVersion", "kind", "metadata")}}
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))]


# ---- main ------------------------------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--crd-dir", type=Path, default=os.environ.get("K8S_CHECK_CRD_DIR") or None)
    args = parser.parse_args(argv)

    versions = sorted({MIN_KUBERNETES, kubernetes_validate.utils.latest_version()},
                      key=lambda v: tuple(map(int, v.split("."))))
    crds = load_crds(args.crd_dir) if args.crd_dir else {}
    failures = 0
    checked: Counter[str] = Counter()
    unchecked: Counter[str] = Counter()
    for path, doc in load(args.files):
        where = f"{path.name}: {label(doc)}"
        errors: list[str] = []
        api_version, kind = doc.get("apiVersion", ""), doc.get("kind", "")
        if builtin(api_version):
            for version in versions:
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except ValidationError as exc:
                    location = ".".join(map(str, exc.absolute_path)) or "<root>"
                    errors.append(f"k8s {version}: {location}: {exc.message}")
                except SchemaNotFoundError as exc:
                    errors.append(exc.message)
            checked[f"{kind} (kubernetes-validate {', '.join(versions)})"] += 1
        elif (api_version, kind) in crds:
            errors.extend(validate_with_crd(doc, crds[(api_version, kind)]))
            checked[f"{kind} (CRD schema from {args.crd_dir})"] += 1
        elif api_version.startswith("keda.sh/"):
            errors.extend(validate_keda(doc))
            checked[f"{kind} (cloudcoil-models-keda)"] += 1
        else:
            unchecked[f"{kind} ({api_version})"] += 1
        for error in errors:
            print(f"FAIL {where}: {error}")
        failures += bool(errors)

    for name, count in sorted(checked.items()):
        print(f"  checked  {count:3d} {name}")
    for name, count in sorted(unchecked.items()):
        print(f"  no schema {count:2d} {name}: structure checked by tests/deploy (use --crd-dir for the CRD)")
    total = sum(checked.values())
    print(f"schema validation: {total - failures} of {total} resources valid"
          + (f", {failures} invalid" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
