"""What kind of series: localizer; CT contrast phase, kernel class and slice thickness class; MR sequence class.

Each attribute comes from header rules (ContrastBolusAgent, ConvolutionKernel with the vendor's naming scheme,
SliceThickness, ImageType, ScanningSequence / SequenceVariant with TR/TE/TI, diffusion b-values) and from the
words of SeriesDescription / ProtocolName (`vocabulary/series_type.yaml`). Agreement raises the confidence,
disagreement lowers it below the review threshold; every value names the rule that produced it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from pydicom import Dataset

from contracts.events import Candidate, SeriesAttribute, SeriesGeometry, SeriesType
from services.harmonize.policy import VOCABULARY_DIR, Policy
from services.harmonize.review import ReviewedRules, question_id
from services.harmonize.text import PhraseTable, compact, tokens

MR_CLASSES = ("T1", "T2", "FLAIR", "PD", "DWI", "ADC", "SWI", "LOCALIZER", "EPI_FMRI", "OTHER")
CT_PHASES = ("non_contrast", "contrast", "arterial", "venous", "delayed")
KERNEL_CLASSES = ("soft", "standard", "sharp", "lung")
THICKNESS_CLASSES = ("thin", "medium", "thick")
#: Allowed answers per reviewable field (reviewers answer with one of these, or `unknown`).
FIELDS: dict[str, tuple[str, ...]] = {
    "series_type.contrast_phase": CT_PHASES,
    "series_type.kernel_class": KERNEL_CLASSES,
    "series_type.sequence": MR_CLASSES,
}
_SIEMENS = re.compile(r"^([A-Z]{1,2})(\d{2})([A-Z])?$")
_CANON = re.compile(r"^FC(\d{1,3})")


@dataclass(frozen=True)
class Rules:
    localizer_image_types: frozenset[str]
    localizer_words: PhraseTable[str]
    no_agent: frozenset[str]
    phase_words: PhraseTable[str]
    kernel_names: dict[str, str]
    siemens: Mapping[str, Any]
    philips: dict[str, str]
    canon: Mapping[str, Any]
    kernel_words: dict[str, str]
    kernel_description: PhraseTable[str]
    thickness: tuple[tuple[float, str], ...]
    mr_image_types: dict[str, str]
    mr_words: PhraseTable[str]
    mr_thresholds: dict[str, float]


def _table(groups: Mapping[str, Iterable[str]]) -> PhraseTable[str]:
    return PhraseTable((word, value) for value, words in groups.items() for word in words)


@cache
def default_rules() -> Rules:
    raw: dict[str, Any] = yaml.safe_load((VOCABULARY_DIR / "series_type.yaml").read_text(encoding="utf-8"))
    k = raw["kernels"]
    mr_words = dict(raw["mr"]["words"])
    mr_words.setdefault("OTHER", [])
    mr_words["OTHER"] = [*mr_words["OTHER"], "TOF", "MRA", "ANGIO", "PERFUSION", "DCE", "DSC", "ASL", "PCASL",
                         "SPECTRO", "MRS", "CINE", "PC", "PHASE CONTRAST", "FIELDMAP", "FIELD MAP", "CALIBRATION",
                         "MAP", "MIP", "血管成像", "灌注", "波谱"]
    return Rules(
        localizer_image_types=frozenset(str(v).upper() for v in raw["localizer_image_types"]),
        localizer_words=PhraseTable((w, "LOCALIZER") for w in raw["localizer_words"]),
        no_agent=frozenset(compact(str(v)) for v in raw["contrast_phase"]["no_agent"]),
        phase_words=_table(raw["contrast_phase"]["words"]),
        kernel_names={compact(str(name)): str(cls) for name, cls in k["names"].items()},
        siemens=k["siemens"],
        philips={str(name).upper(): str(cls) for name, cls in k["philips"].items()},
        canon=k["canon"],
        kernel_words={compact(str(w)): str(cls) for w, cls in k["words"].items()},
        kernel_description=PhraseTable((str(w), str(cls)) for w, cls in k["description_words"].items()),
        thickness=tuple((float(limit), str(cls)) for limit, cls in raw["thickness"]),
        mr_image_types={str(v).upper(): str(cls) for v, cls in raw["mr"]["image_types"].items()},
        mr_words=_table(mr_words),
        mr_thresholds={str(n): float(v) for n, v in raw["mr"]["thresholds"].items()},
    )


# ---------------------------------------------------------------- header access


def _values(ds: Dataset, keyword: str) -> list[str]:
    try:
        value = ds.get(keyword)
    except (ValueError, TypeError, OverflowError):
        return []
    if value is None or value == "":
        return []
    items = list(value) if isinstance(value, Sequence) and not isinstance(value, str) else [value]
    return [str(v).strip().upper() for v in items if str(v).strip()]


def _number(ds: Dataset, keyword: str) -> float | None:
    try:
        value = ds.get(keyword)
        number = None if value is None or value == "" else float(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def _first(headers: Sequence[Dataset], keyword: str) -> list[str]:
    for ds in headers:
        values = _values(ds, keyword)
        if values:
            return values
    return []


def _words(table: PhraseTable[str], *texts: str | None) -> list[str]:
    found: list[str] = []
    for text in texts:
        found += [m.value for m in table.find(tokens(text))]
    return found


# ---------------------------------------------------------------- attributes


@dataclass(frozen=True)
class Evidence:
    value: str
    rule: str
    raw: str | None = None


class SeriesTyper:
    def __init__(self, rules: Rules, policy: Policy, reviewed: ReviewedRules | None = None) -> None:
        self.rules = rules
        self.policy = policy
        self.reviewed = reviewed or ReviewedRules()

    def type(
        self,
        modality: str | None,
        headers: Sequence[Dataset],
        *,
        series_description: str | None,
        protocol_name: str | None = None,
        manufacturer: str | None = None,
        geometry: SeriesGeometry | None = None,
        procedure_contrast: str | None = None,
    ) -> SeriesType | None:
        """The series type of a CT or MR series (for other modalities: only whether it is a localizer)."""
        mod = (modality or "").upper()
        localizer = self.localizer(headers, series_description, protocol_name, geometry)
        if mod == "CT":
            return SeriesType(
                localizer=localizer,
                contrast_phase=None if localizer else self.contrast_phase(
                    headers, series_description, protocol_name, procedure_contrast),
                kernel_class=None if localizer else self.kernel_class(headers, series_description, manufacturer),
                thickness_class=None if localizer else self.thickness_class(headers, geometry),
            )
        if mod == "MR":
            sequence = self.sequence(headers, series_description, protocol_name, localizer)
            return SeriesType(localizer=localizer, sequence=sequence)
        return SeriesType(localizer=True) if localizer else None

    # ---- localizer

    def localizer(
        self, headers: Sequence[Dataset], description: str | None, protocol: str | None,
        geometry: SeriesGeometry | None,
    ) -> bool:
        image_types = set(_first(headers, "ImageType"))
        if image_types & self.rules.localizer_image_types:
            return True
        return bool(_words(self.rules.localizer_words, description, protocol))

    # ---- CT

    def contrast_phase(
        self, headers: Sequence[Dataset], description: str | None, protocol: str | None, procedure: str | None,
    ) -> SeriesAttribute:
        field = "series_type.contrast_phase"
        agent = _first(headers, "ContrastBolusAgent")
        agent_text = " ".join(agent)
        header: Evidence | None = None
        if agent:
            given = compact(agent_text) not in self.rules.no_agent
            header = Evidence("contrast" if given else "non_contrast", "header:ContrastBolusAgent", agent_text)
        elif any(_values(ds, k) for ds in headers[:1] for k in ("ContrastBolusRoute", "ContrastBolusStartTime")):
            header = Evidence("contrast", "header:ContrastBolus")
        words = [w for w in _words(self.rules.phase_words, description, protocol) if w != "ignore"]
        phases = [w for w in words if w in ("arterial", "venous", "delayed")]
        text: Evidence | None = None
        if phases:
            text = Evidence(phases[0], "text")
        elif "non_contrast" in words and "contrast" not in words:
            text = Evidence("non_contrast", "text")
        elif "contrast" in words:
            text = Evidence("contrast", "text")
        inputs = {"series_description": description, "protocol_name": protocol,
                  "contrast_agent": "present" if agent else "absent"}
        if header is None and text is None:
            if procedure == "WO":
                text = Evidence("non_contrast", "procedure:WO")
            elif procedure == "W":
                text = Evidence("contrast", "procedure:W")
            else:  # the Contrast/Bolus module is required when contrast was given: its absence says none was
                header = Evidence("non_contrast", "header:no_contrast_module")
                return self._decide(field, inputs, header, None, base=self.policy.series_type["header"] - 0.1)
        return self._decide(field, inputs, header, text, compatible=_phases_agree)

    def kernel_class(self, headers: Sequence[Dataset], description: str | None, vendor: str | None) -> SeriesAttribute:
        field = "series_type.kernel_class"
        kernel = _first(headers, "ConvolutionKernel")
        name = kernel[0] if kernel else ""
        inputs = {"manufacturer": vendor, "convolution_kernel": name}
        header = self._kernel(name, vendor) if name else None
        words = _words(self.rules.kernel_description, description)
        text = Evidence(words[0], "text") if words else None
        if header is None and text is None:
            return self._decide(field, inputs, None, None)
        base = None
        if header is not None and header.rule.startswith("generic"):
            base = self.policy.series_type["generic_kernel"]
        elif header is not None:
            base = self.policy.series_type["vendor_kernel"]
        return self._decide(field, inputs, header, text, base=base)

    def _kernel(self, name: str, vendor: str | None) -> Evidence | None:
        r = self.rules
        key = compact(name)
        if key in r.kernel_names:
            return Evidence(r.kernel_names[key], "kernel:name", name)
        v = (vendor or "").upper()
        siemens = _SIEMENS.match(name.replace(" ", ""))
        canon = _CANON.match(key)
        if "SIEMENS" in v and siemens:
            return Evidence(self._siemens(siemens), "kernel:siemens", name)
        if "PHILIPS" in v and key in r.philips:
            return Evidence(r.philips[key], "kernel:philips", name)
        if ("CANON" in v or "TOSHIBA" in v) and (canon or key in r.canon["words"]):
            value = _by_number(int(canon.group(1)), r.canon["by_number"]) if canon else r.canon["words"][key]
            return Evidence(value, "kernel:canon", name)
        for word, value in r.kernel_words.items():
            if word in [compact(t) for t in tokens(name.replace("_", " "))]:
                return Evidence(value, "kernel:words", name)
        if siemens:
            return Evidence(self._siemens(siemens), "generic:siemens_pattern", name)
        if canon:
            return Evidence(_by_number(int(canon.group(1)), r.canon["by_number"]), "generic:fc_pattern", name)
        if key in r.philips:
            return Evidence(r.philips[key], "generic:philips_letters", name)
        return None

    def _siemens(self, m: re.Match[str]) -> str:
        family, number = m.group(1), int(m.group(2))
        s = self.rules.siemens
        if family in s["lung_families"]:
            return "lung"
        value = _by_number(number, s["by_number"])
        if family in s["head_families"] and value == "lung":
            return "sharp"
        return value

    def thickness_class(self, headers: Sequence[Dataset], geometry: SeriesGeometry | None) -> SeriesAttribute:
        thickness = next((t for ds in headers if (t := _number(ds, "SliceThickness")) is not None and t > 0), None)
        rule, raw = "header:SliceThickness", thickness
        confidence = self.policy.series_type["measured"]
        if thickness is None and geometry is not None and geometry.slice_spacing:
            thickness, rule, raw = geometry.slice_spacing, "geometry:slice_spacing", geometry.slice_spacing
            confidence = self.policy.series_type["header"]
        if thickness is None:
            return SeriesAttribute(status="unmapped", confidence=0.0, rule="no_thickness")
        value = next(cls for limit, cls in self.rules.thickness if thickness <= limit + 1e-9)
        return SeriesAttribute(value=value, status="mapped", confidence=confidence, rule=rule, raw=f"{raw:g} mm")

    # ---- MR

    def sequence(
        self, headers: Sequence[Dataset], description: str | None, protocol: str | None, localizer: bool,
    ) -> SeriesAttribute:
        field = "series_type.sequence"
        scanning = _first(headers, "ScanningSequence")
        variant = _first(headers, "SequenceVariant")
        image_type = _first(headers, "ImageType")
        inputs = {"series_description": description, "protocol_name": protocol,
                  "scanning_sequence": "\\".join(scanning), "sequence_variant": "\\".join(variant),
                  "image_type": "\\".join(image_type)}
        if localizer:
            return SeriesAttribute(value="LOCALIZER", status="mapped", confidence=self.policy.series_type["header"],
                                   rule="localizer", raw=description)
        header = self._mr_header(headers, scanning, variant, image_type)
        words = _words(self.rules.mr_words, description, protocol)
        text = Evidence(_most_specific(words), "text") if words else None
        if header is None and text is None:
            return self._decide(field, inputs, None, None)
        return self._decide(field, inputs, header, text, compatible=_sequences_agree)

    def _mr_header(
        self, headers: Sequence[Dataset], scanning: list[str], variant: list[str], image_type: list[str],
    ) -> Evidence | None:
        typed = {value: self.rules.mr_image_types[value] for value in image_type if value in self.rules.mr_image_types}
        if typed:
            cls = _most_specific(list(typed.values()))
            return Evidence(cls, f"header:ImageType={next(v for v, c in typed.items() if c == cls)}")
        b_values = {b for ds in headers if (b := _number(ds, "DiffusionBValue")) is not None}
        if any(b > 0 for b in b_values):
            return Evidence("DWI", "header:DiffusionBValue")
        ds = headers[0] if headers else Dataset()
        tr, te, ti = _number(ds, "RepetitionTime"), _number(ds, "EchoTime"), _number(ds, "InversionTime")
        flip = _number(ds, "FlipAngle")
        t = self.rules.mr_thresholds
        if "IR" in scanning and ti is not None:
            if ti <= t["stir_ti_max"]:
                return Evidence("T2", "header:IR_short_TI")
            if t["flair_ti_min"] <= ti <= t["flair_ti_max"] and (tr or 0) >= t["tr_long"]:
                return Evidence("FLAIR", "header:IR_long_TI")
            if t["t1_ir_ti_min"] <= ti <= t["t1_ir_ti_max"]:
                return Evidence("T1", "header:IR_T1_TI")
        if "SE" in scanning and "EP" not in scanning and tr is not None and te is not None:
            if tr < t["t1_tr_max"] and te < t["te_short"]:
                return Evidence("T1", "header:SE_short_TR_TE")
            if tr >= t["tr_long"] and te >= t["te_long"]:
                return Evidence("T2", "header:SE_long_TR_TE")
            if tr >= t["tr_long"] and te < t["te_short"]:
                return Evidence("PD", "header:SE_long_TR_short_TE")
        if "GR" in scanning and "SP" in variant and tr is not None and flip is not None:
            short = tr < t["t1_tr_max"] and (te or 0) < t["te_short"]
            if short and flip >= t["gre_t1_flip_min"]:
                return Evidence("T1", "header:spoiled_GRE")
        return None

    # ---- combining

    def _decide(
        self,
        field: str,
        inputs: Mapping[str, str | None],
        header: Evidence | None,
        text: Evidence | None,
        *,
        compatible: Any = None,
        base: float | None = None,
    ) -> SeriesAttribute:
        c = self.policy.series_type
        rid = question_id(field, inputs)
        shown = {k: v for k, v in inputs.items() if v}
        rule = self.reviewed.answer(field, inputs)
        if rule is not None:
            known = rule.answer in FIELDS[field]
            return SeriesAttribute(value=rule.answer if known else None, status="mapped" if known else "unmapped",
                                   confidence=self.policy.confidence["reviewed_rule"],
                                   rule=f"reviewed:{rule.review_id}", review_id=rid)
        if header is None and text is None:
            return SeriesAttribute(status="unmapped", confidence=0.0, rule="no_evidence", review_id=rid)
        agree = compatible or (lambda a, b: a == b)
        raw = (header.raw if header else None) or None
        if header is not None and text is not None:
            if agree(header.value, text.value):
                value = _specific(header.value, text.value)
                confidence, how = c["header_and_text"], f"{header.rule}+text"
            else:
                value, confidence, how = header.value, c["conflict"], f"{header.rule}+disagrees:text"
        elif header is not None:
            value, confidence, how = header.value, base if base is not None else c["header"], header.rule
        else:
            assert text is not None
            value, confidence, how = text.value, c["text"], text.rule
        candidates = [Candidate(code=value, confidence=confidence)]
        if header is not None and text is not None and not agree(header.value, text.value):
            candidates.append(Candidate(code=text.value, confidence=confidence))
        status = self.policy.status(confidence)
        return SeriesAttribute(
            value=value if status == "mapped" else None, status=status,
            confidence=round(confidence, 3), rule=how, raw=raw, review_id=rid, candidates=candidates,
            inputs=None if status == "mapped" else shown,
        )


def _by_number(number: int, bounds: Sequence[Sequence[Any]]) -> str:
    for limit, value in bounds:
        if number < int(limit):
            return str(value)
    return str(bounds[-1][1])


_PHASE_ORDER = {"non_contrast": 0, "contrast": 1, "arterial": 2, "venous": 2, "delayed": 2}


def _phases_agree(a: str, b: str) -> bool:
    if a == b:
        return True
    return "non_contrast" not in (a, b) and "contrast" in (a, b)


def _specific(a: str, b: str) -> str:
    """Of two agreeing values, the more specific (arterial rather than contrast)."""
    return b if _PHASE_ORDER.get(b, 0) > _PHASE_ORDER.get(a, 0) else a


_SPECIFICITY = ("ADC", "SWI", "EPI_FMRI", "DWI", "FLAIR", "PD", "T1", "T2", "OTHER")


def _most_specific(words: Sequence[str]) -> str:
    return min(words, key=lambda w: _SPECIFICITY.index(w) if w in _SPECIFICITY else len(_SPECIFICITY))


def _sequences_agree(a: str, b: str) -> bool:
    """FLAIR is an inversion-recovery T2 (or T1) sequence: T2 FLAIR agrees with FLAIR and T2."""
    if a == b:
        return True
    return {a, b} in ({"FLAIR", "T2"}, {"FLAIR", "T1"}, {"DWI", "ADC"})


def series_type_meaning(field: str, answer: str) -> str | None:
    """A reviewer's answer for a series type field, if the vocabulary has it."""
    return answer if answer in FIELDS.get(field, ()) else None
