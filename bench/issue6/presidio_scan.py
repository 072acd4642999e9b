#!/usr/bin/env python3
"""Scan a CSV file with Microsoft Presidio, for comparison with `etterlev`'s scanner.

    python3 bench/issue6/presidio_scan.py FILE [--max-mb 20] [--mode auto|line|batch|chunk]
                                               [--model PATH] [--batch-size 256]

Prints ONE JSON line:
  {"tool":"presidio", "presidio_version", "spacy_version", "pipeline", "mode",
   "bytes", "lines", "seconds", "mb_per_s", "setup_seconds", "findings": {...}, "note"}

Recognisers (the rest of Presidio's registry is left out, so it looks for
things similar to what our scanner looks for):
  * NO_FNR        custom PatternRecognizer, regex \\b\\d{6}\\s?\\d{5}\\b, accepted
                  only when both mod-11 control digits are right;
  * EMAIL_ADDRESS Presidio's EmailRecognizer;
  * PHONE_NUMBER  Presidio's PhoneRecognizer (python-phonenumbers), region NO.

spaCy pipeline: the real spaCy models are downloaded from GitHub, which this
machine cannot reach, so by default a blank English pipeline
(`spacy.blank("en")`, tokenizer only, no NER) is written to a temporary
directory and Presidio's SpacyNlpEngine loads it from there. Presidio then
runs its pattern recognisers only; with a trained pipeline (tok2vec, tagger,
parser, NER on every text) it is slower, so a speed ratio against this number
is conservative (in Presidio's favour). `--model PATH` loads another spaCy
pipeline directory instead (e.g. an unpacked en_core_web_sm).

Modes (which text Presidio is handed; `seconds` covers reading the file and
analysing it, not building the engine, which is in `setup_seconds`):
  * line  - AnalyzerEngine.analyze() once per CSV line;
  * batch - BatchAnalyzerEngine.analyze_iterator() over the lines, spaCy's
            nlp.pipe() with --batch-size;
  * auto (default) - line with the blank pipeline, batch with --model: the
            faster of the two for each on the test machine (README.md);
  * chunk - AnalyzerEngine.analyze() once per block of whole lines of about
            64 KiB (tried in case fewer calls help; it does not: about 3x
            slower than line on the test file).
The file is read as UTF-8 and only whole lines are analysed, up to --max-mb
MiB (default 20); `bytes` is what was actually analysed.
"""
import argparse
import json
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from importlib.metadata import version

CHUNK = 64 * 1024

K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def fnr_ok(text):
    """Both mod-11 control digits of an 11-digit fødselsnummer."""
    d = [int(c) for c in text if c.isdigit()]
    if len(d) != 11:
        return False
    for weights, pos in ((K1, 9), (K2, 10)):
        s = sum(a * b for a, b in zip(d, weights))
        k = 11 - s % 11
        if k == 11:
            k = 0
        if k == 10 or k != d[pos]:
            return False
    return True


def offline_tldextract():
    """Presidio's EmailRecognizer validates the domain with tldextract, which
    otherwise tries to download the Public Suffix List on first use (no
    network here: tracebacks and seconds of timeouts). Use the snapshot that
    ships inside the tldextract package instead."""
    import tldextract.tldextract as tx

    tx.TLD_EXTRACTOR = tx.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def build_engine(model_path):
    offline_tldextract()
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

    class FnrRecognizer(PatternRecognizer):
        def __init__(self):
            super().__init__(
                supported_entity="NO_FNR",
                name="NorwegianFnrRecognizer",
                supported_language="en",
                patterns=[Pattern("fnr", r"\b\d{6}\s?\d{5}\b", 0.5)],
                context=["fnr", "fødselsnummer", "personnummer"],
            )

        def validate_result(self, pattern_text):
            # True raises the score to MAX_SCORE, False drops the result.
            return fnr_ok(pattern_text)

    if model_path is None:
        import spacy

        tmp = tempfile.mkdtemp(prefix="presidio-blank-en-")
        model_path = os.path.join(tmp, "blank_en")
        spacy.blank("en").to_disk(model_path)
        pipeline = "blank en (no NER)"
    else:
        pipeline = f"spaCy pipeline from {model_path}"
        meta = os.path.join(model_path, "meta.json")
        if os.path.exists(meta):
            with open(meta, encoding="utf-8") as f:
                m = json.load(f)
            pipeline = f"{m.get('lang')}_{m.get('name')} {m.get('version')} ({', '.join(m.get('pipeline', []))})"

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model_path}],
    })
    nlp_engine = provider.create_engine()

    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(FnrRecognizer())
    registry.add_recognizer(EmailRecognizer(supported_language="en"))
    registry.add_recognizer(PhoneRecognizer(supported_language="en", supported_regions=("NO",)))

    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["en"])
    return analyzer, pipeline


def read_lines(path, max_bytes):
    """Whole lines (str) up to max_bytes of UTF-8; returns (lines, bytes)."""
    lines, total = [], 0
    with open(path, "rb") as f:
        for raw in f:
            if total + len(raw) > max_bytes:
                break
            total += len(raw)
            lines.append(raw.decode("utf-8"))
    return lines, total


def chunks(lines):
    buf, size = [], 0
    for ln in lines:
        buf.append(ln)
        size += len(ln)
        if size >= CHUNK:
            yield "".join(buf)
            buf, size = [], 0
    if buf:
        yield "".join(buf)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--max-mb", type=float, default=20.0)
    ap.add_argument("--mode", choices=("auto", "line", "batch", "chunk"), default="auto")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--model", default=None, help="spaCy pipeline directory (default: blank en)")
    a = ap.parse_args()

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    if a.mode == "auto":
        a.mode = "line" if a.model is None else "batch"

    t0 = time.perf_counter()
    analyzer, pipeline = build_engine(a.model)
    entities = ["NO_FNR", "EMAIL_ADDRESS", "PHONE_NUMBER"]
    # Warm-up, so lazy initialisation is not timed.
    analyzer.analyze(text="warm up 01010112345 a@b.no 41234567", language="en", entities=entities)
    setup = time.perf_counter() - t0

    findings = Counter()
    t1 = time.perf_counter()
    lines, nbytes = read_lines(a.file, int(a.max_mb * 1024 * 1024))
    if a.mode == "line":
        for ln in lines:
            for r in analyzer.analyze(text=ln, language="en", entities=entities):
                findings[r.entity_type] += 1
    elif a.mode == "chunk":
        for text in chunks(lines):
            for r in analyzer.analyze(text=text, language="en", entities=entities):
                findings[r.entity_type] += 1
    else:
        from presidio_analyzer import BatchAnalyzerEngine

        batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
        for results in batch.analyze_iterator(lines, language="en", batch_size=a.batch_size,
                                              entities=entities):
            for r in results:
                findings[r.entity_type] += 1
    secs = time.perf_counter() - t1

    out = {
        "tool": "presidio",
        "presidio_version": version("presidio-analyzer"),
        "spacy_version": version("spacy"),
        "pipeline": pipeline,
        "mode": a.mode,
        "bytes": nbytes,
        "lines": len(lines),
        "seconds": round(secs, 3),
        "mb_per_s": round(nbytes / 1024 / 1024 / secs, 3) if secs > 0 else None,
        "setup_seconds": round(setup, 3),
        "findings": dict(sorted(findings.items())),
        "note": ("pattern recognisers only (blank spaCy pipeline, no NER): faster than Presidio "
                 "with a trained model, so a speed ratio against it is conservative"
                 if a.model is None else "trained spaCy pipeline"),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
