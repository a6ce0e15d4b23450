"""Throughput of cyberweek.pii beside JioNLP, Presidio and one combined regular expression,
in the two ways the platform calls it: once per short document (a description, a report, a
form field: about 400 bytes) and streaming a large file in 1 MB pieces.

    python bench/pii.py                # ~20 MB corpus; Presidio on a 0.5 MB sample
    python bench/pii.py --mb 5 --engine python

The corpus is made by the evaluation-set generator (eval/pii/generate.py, another seed), so
it has the evaluation set's density of personal information and hard negatives. Every
engine runs single-threaded in this process and is timed in CPU time of this process
(time.process_time), so another job on a shared machine skews the ratios less. Ours reads
the corpus from disk through the streaming API in 1 MB pieces (decoding included), and its
peak RSS is measured before the other libraries are imported and before the corpus is held
in memory. Per document, every engine gets the same documents: the corpus cut at line ends
into pieces of about 400 bytes (--doc-bytes), --doc-mb of them. In both modes every engine
is first warmed up, untimed, on the corpus's first 200 documents: recognisers that load data
on first use (census names, phone metadata, JioNLP's tables) do so once per process, not per
call. The last line is

    bench pii: doc_mbps=<ours per document> doc_jionlp_ratio=<ours/JioNLP per document>
        stream_mbps=<ours streaming> stream_jionlp_ratio=<ours/JioNLP streaming>
        presidio_ratio=<ours/Presidio per document> peak_rss_mb=<n>

(on one line).
"""

import argparse
import logging
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "eval" / "pii"))

JIONLP_EXTRACTORS = (
    "extract_email",
    "extract_phone_number",
    "extract_id_card",
    "extract_ip_address",
    "extract_motor_vehicle_licence_plate",
    "extract_qq",
)
PIECE = 1 << 20

# The baseline: one pass of one Python regular expression for the structured types, the
# approach of most masking libraries (no validation, no context).
COMBINED = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
    r"|(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{5}[0-9Xx](?![0-9])"
    r"|(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9]{9}(?![0-9])"
    r"|(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])"
    r"|(?<![0-9])[3-6][0-9]{15,18}(?![0-9])"
    r"|(?<![0-9])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9])"
    r"|(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}"
    r"|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{5,6}"
    r"|[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}"
)


def build_corpus(path: Path, megabytes: float, seed: int) -> None:
    from generate import generate

    target = int(megabytes * 1e6)
    written = 0
    with open(path, "w", encoding="utf-8") as fh:
        for rec in generate(10**9, seed=seed):
            data = rec["text"] + "\n"
            fh.write(data)
            written += len(data.encode("utf-8"))
            if written >= target:
                break


def corpus_path(megabytes: float, seed: int, given: str | None) -> Path:
    """The corpus file: the one given, or one built once and kept in the temporary
    directory."""
    default = Path(tempfile.gettempdir()) / f"cyberweek-pii-bench-{megabytes:g}mb-{seed}.txt"
    path = Path(given) if given else default
    if not path.exists():
        print(f"building corpus {path} ...", flush=True)
        build_corpus(path, megabytes, seed)
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_ours(path: Path, engine: str) -> tuple[float, int, str]:
    from cyberweek.pii import engine as pii_engine
    from cyberweek.pii.candidates import engine_name
    from cyberweek.pii.extract import DecodeReport, text_chunks

    if engine == "python":
        os.environ["CYBERWEEK_PII_NO_HYPERSCAN"] = "1"
    # The same warm-up as per document: the recognisers load their data (census names,
    # divisions, phone metadata) on first use, once per process, not per stream.
    for doc in warm_up_documents(path):
        pii_engine.scan(doc)
    size = path.stat().st_size
    start = time.process_time()
    with open(path, "rb") as fh:
        count = sum(1 for _ in pii_engine.scan_stream(text_chunks(fh, DecodeReport(), PIECE)))
    elapsed = time.process_time() - start
    return size / 1e6 / elapsed, count, engine_name()


def documents(text: str, doc_bytes: int, megabytes: float) -> list[str]:
    """The corpus cut at line ends into documents of about doc_bytes UTF-8 bytes."""
    docs, current, size, total = [], [], 0, 0
    for line in text.splitlines(keepends=True):
        current.append(line)
        size += len(line.encode("utf-8"))
        if size >= doc_bytes:
            docs.append("".join(current))
            total += size
            current, size = [], 0
            if total >= megabytes * 1e6:
                break
    return docs


def warm_up_documents(path: Path) -> list[str]:
    """The documents every engine is warmed up on before it is timed, in both modes: the
    first 200 of the corpus (about 90 KB)."""
    with open(path, encoding="utf-8") as fh:
        head = fh.read(200_000)
    return documents(head[: head.rfind("\n") + 1], 400, 1.0)[:200]


def doc_size(docs: list[str]) -> int:
    return sum(len(d.encode("utf-8")) for d in docs)


def bench_ours_docs(docs: list[str]) -> tuple[float, int]:
    from cyberweek.pii import scan

    # Warm-up on real documents: the first call of each recogniser loads its data (the
    # census name lists, the divisions) once per process; that is not the per-call cost.
    for doc in docs[:200]:
        scan(doc)
    size = doc_size(docs)
    start = time.process_time()
    count = 0
    for doc in docs:
        count += len(scan(doc))
    return size / 1e6 / (time.process_time() - start), count


def bench_jionlp_docs(docs: list[str]) -> tuple[float, int] | str:
    try:
        import jionlp
    except Exception as error:
        return f"jionlp cannot be imported: {error}"
    fns = [getattr(jionlp, name) for name in JIONLP_EXTRACTORS]
    for doc in docs[:200]:
        for fn in fns:
            fn(doc)
    size = doc_size(docs)
    start = time.process_time()
    count = 0
    for doc in docs:
        for fn in fns:
            count += len(fn(doc))
    return size / 1e6 / (time.process_time() - start), count


def pieces(text: str):
    return [text[i : i + PIECE // 3] for i in range(0, len(text), PIECE // 3)]


def bench_combined(text: str, size: int) -> tuple[float, int]:
    start = time.process_time()
    count = sum(1 for _ in COMBINED.finditer(text))
    return size / 1e6 / (time.process_time() - start), count


def bench_jionlp(text: str, size: int, path: Path) -> tuple[float, int] | str:
    try:
        import jionlp
    except Exception as error:
        return f"jionlp cannot be imported: {error}"
    fns = [getattr(jionlp, name) for name in JIONLP_EXTRACTORS]
    # Its extractors, too, load their data on the first call.
    for doc in warm_up_documents(path):
        for fn in fns:
            fn(doc)
    parts = pieces(text)
    start = time.process_time()
    count = 0
    for part in parts:
        for fn in fns:
            count += len(fn(part))
    return size / 1e6 / (time.process_time() - start), count


def bench_presidio(docs: list[str], sample_mb: float) -> tuple[float, int] | str:
    try:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NoOpNlpEngine
    except Exception as error:
        return f"presidio-analyzer cannot be imported: {error}"
    # tldextract (used by the URL/e-mail recognizers) tries to download the public suffix
    # list and falls back to its bundled copy; the warm-up below absorbs that, untimed.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    registry.recognizers = [r for r in registry.recognizers if r.name != "SpacyRecognizer"]
    analyzer = AnalyzerEngine(
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "noop"}]),
        registry=registry,
        supported_languages=["en"],
    )
    analyzer.analyze(text="warm up test@example.com 192.168.0.1", language="en")
    sample, size = [], 0
    for doc in docs:
        if size >= sample_mb * 1e6:
            break
        sample.append(doc)
        size += len(doc.encode("utf-8"))
    start = time.process_time()
    count = 0
    for doc in sample:
        count += len(analyzer.analyze(text=doc, language="en"))
    return size / 1e6 / (time.process_time() - start), count


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark cyberweek.pii.")
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB")
    parser.add_argument(
        "--presidio-mb",
        type=float,
        default=0.5,
        help="Presidio runs on this much of the corpus (it is slow)",
    )
    parser.add_argument("--engine", choices=("auto", "python"), default="auto")
    parser.add_argument("--doc-bytes", type=int, default=400, help="size of a document")
    parser.add_argument(
        "--doc-mb", type=float, default=4.0, help="this much of the corpus as documents"
    )
    parser.add_argument("--seed", type=int, default=20191021)
    parser.add_argument("--corpus", help="corpus file (built and cached if missing)")
    args = parser.parse_args()

    path = corpus_path(args.mb, args.seed, args.corpus)
    size = path.stat().st_size
    print(f"corpus: {path} {size / 1e6:.1f} MB UTF-8")

    ours, our_count, engine = bench_ours(path, args.engine)
    rss = peak_rss_mb()  # the engine's, before the corpus is held in memory
    print(
        f"stream, cyberweek.pii ({engine} stage one, every type and validator on): "
        f"{ours:8.2f} MB/s {our_count} findings"
    )
    text = path.read_text(encoding="utf-8")
    docs = documents(text, args.doc_bytes, args.doc_mb)
    doc_ours, doc_count = bench_ours_docs(docs)
    print(
        f"documents ({len(docs)}, {doc_size(docs) / len(docs):.0f} bytes on average), "
        f"cyberweek.pii: {doc_ours:8.2f} MB/s {doc_count} findings; peak RSS {rss:.0f} MB"
    )

    combined, c_count = bench_combined(text, size)
    print(
        f"stream, one combined regex, structured types only, no validation: {combined:8.2f} "
        f"MB/s {c_count} matches"
    )

    jio = bench_jionlp(text, size, path)
    jio_docs = bench_jionlp_docs(docs)
    if isinstance(jio, str) or isinstance(jio_docs, str):
        print(f"JioNLP: not run: {jio if isinstance(jio, str) else jio_docs}")
        jio_ratio = doc_jio_ratio = "n/a"
    else:
        names = ", ".join(JIONLP_EXTRACTORS)
        print(f"stream, JioNLP ({names}): {jio[0]:8.2f} MB/s {jio[1]} matches")
        print(f"documents, JioNLP: {jio_docs[0]:8.2f} MB/s {jio_docs[1]} matches")
        jio_ratio = f"{ours / jio[0]:.2f}"
        doc_jio_ratio = f"{doc_ours / jio_docs[0]:.2f}"

    pres = bench_presidio(docs, args.presidio_mb)
    if isinstance(pres, str):
        print(f"Presidio: not run: {pres}")
        pres_ratio = "n/a"
    else:
        print(
            f"documents, Presidio analyzer (default pattern recognizers, no-op NLP engine, "
            f"{args.presidio_mb:g} MB of the documents): {pres[0]:8.3f} MB/s {pres[1]} results"
        )
        pres_ratio = f"{doc_ours / pres[0]:.1f}"

    print(
        f"bench pii: doc_mbps={doc_ours:.2f} doc_jionlp_ratio={doc_jio_ratio} "
        f"stream_mbps={ours:.2f} stream_jionlp_ratio={jio_ratio} presidio_ratio={pres_ratio} "
        f"peak_rss_mb={rss:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
