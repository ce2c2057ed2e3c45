"""Generate the committed JSON Schemas (one per event type, plus the topic registry) or check for drift.

    python -m contracts.schema write   # regenerate contracts/schemas/
    python -m contracts.schema check   # exit 1 when the committed files differ from the models
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from contracts.events import EVENT_TYPES
from contracts.topics import ALL_TOPICS

SCHEMA_DIR = Path(__file__).parent / "schemas"


def expected_files() -> dict[str, str]:
    files: dict[str, str] = {}
    for event_type, cls in sorted(EVENT_TYPES.items()):
        schema = cls.model_json_schema(mode="serialization")
        schema["$id"] = f"urn:radcurate:event:{event_type}:{cls.SCHEMA_VERSION}"
        schema["x-schema-version"] = cls.SCHEMA_VERSION
        major = cls.SCHEMA_VERSION.split(".")[0]
        files[f"{event_type}.v{major}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    registry = [asdict(t) for t in ALL_TOPICS]
    files["topics.json"] = json.dumps(registry, indent=2) + "\n"
    return files


def drift(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of schema files that are missing, stale or unexpected."""
    wanted = expected_files()
    problems = [n for n, text in wanted.items() if not (directory / n).is_file()
                or (directory / n).read_text() != text]
    problems += [p.name for p in directory.glob("*.json") if p.name not in wanted]
    return sorted(problems)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "write":
        SCHEMA_DIR.mkdir(exist_ok=True)
        for stale in SCHEMA_DIR.glob("*.json"):
            stale.unlink()
        for name, text in expected_files().items():
            (SCHEMA_DIR / name).write_text(text)
        return 0
    if command == "check":
        problems = drift()
        if problems:
            print("JSON Schema drift (run `python -m contracts.schema write`):", ", ".join(problems))
            return 1
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
