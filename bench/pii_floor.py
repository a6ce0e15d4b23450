"""Where the time of cyberweek.pii goes, beside JioNLP on the same text: how fast the engine
could be if its validators cost nothing, and so how much time the aims of issue 21 leave them.

    python bench/pii_floor.py                  # the corpus of bench/pii.py (20 MB)
    python bench/pii_floor.py --mb 10 --doc-mb 1 --stream-mb 3

It times, in both ways the platform calls the engine (once per ~400-byte document, and over
long text), on the documents of bench/pii.py and on the pieces it gives JioNLP when
streaming (349,525 characters, about 0.55 MB; scan() of each piece stands for the stream):

- JioNLP's six extractors (the yardstick);
- scan(), everything on;
- the two Hyperscan scans alone, with a callback that does nothing;
- stage one: the scans and the candidate starts sorted by kind (hyperscan_pass.py);
- stage one, then the exact pattern of each start's kind matched in Python, with no
  validator: the least stage two can do without moving work out of Python;
- overlap resolution and the Finding objects of the real findings;
- scan("") (the fixed cost of a call).

Engines are interleaved by groups of 50 documents (by piece when streaming), alternating
their order, for --rounds rounds, and timed in CPU time of this process, so load from other
jobs on a shared machine falls on all of them alike. The floor is stage one with the exact
matches plus resolution and Findings; the last line is

    bench pii_floor: doc_floor_us=<n> doc_jionlp_us=<n> doc_ceiling_ratio=<n>
        doc_validator_budget_us=<n> doc_validators_us=<n> stream_floor_ms=<n> ... (one line)

where ceiling = JioNLP / floor (the ratio with free validators), budget = JioNLP / aim - floor
(the time per document, or per MB, the aim leaves the validators: negative when even free
validators miss it) and validators = scan() - floor.
"""

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from pii import JIONLP_EXTRACTORS, corpus_path, documents, pieces  # noqa: E402

DOC_AIM, STREAM_AIM = 3.0, 4.0


def _parts():
    from cyberweek.pii import engine, scan
    from cyberweek.pii.candidates import _hyperscan_db, kinds_with_starts
    from cyberweek.pii.finding import findings

    hs = _hyperscan_db()
    if hs is None:
        raise SystemExit("pii_floor needs the hyperscan wheel (the floor is of that engine)")

    def nothing(*args):
        return None

    def hyperscan_only(text):
        narrow = b"\n" + text.encode("latin-1", "replace") + b"\n"
        hs.narrow.scan(narrow, match_event_handler=nothing)
        hs.wide.scan(b"\n" + text.encode("utf-8") + b"\n", match_event_handler=nothing)

    # Stage two with a validator that does nothing for every kind (and no batch handler):
    # stage one, then the exact pattern of each start's kind matched, as in scan().
    no_validators = [nothing] * len(engine.KINDS)
    no_batches = [None] * len(engine.KINDS)

    def exact_matches(text):
        engine._stage_two(text, "auto", no_validators, no_batches)

    raw = {}  # the raw findings of each text, made before the timing (prepare())

    def prepare(items):
        raw.clear()
        raw.update((t, engine.resolve(engine._stage_two(t, "auto"))) for t in items)

    def findings_only(text):
        findings(engine.resolve(list(raw[text])))

    return prepare, {
        "scan": scan,
        "hyperscan scans alone": hyperscan_only,
        "stage one": kinds_with_starts,
        "stage one + exact match per start": exact_matches,
        "resolve + Finding objects": findings_only,
        'scan("")': lambda text: scan(""),
    }


def _jionlp():
    try:
        import jionlp
    except Exception as error:
        raise SystemExit(f"jionlp cannot be imported: {error}") from error
    fns = [getattr(jionlp, name) for name in JIONLP_EXTRACTORS]

    def run(text):
        for fn in fns:
            fn(text)

    return run


def interleaved(engines: dict, items: list[str], group: int, rounds: int) -> dict[str, float]:
    """CPU seconds per item of each engine, run in turns over groups of items."""
    for item in items[:group]:  # warm-up: data loaded on first use, caches made
        for fn in engines.values():
            fn(item)
    order = list(engines.items())
    total = dict.fromkeys(engines, 0.0)
    clock = time.process_time
    for _ in range(rounds):
        for i in range(0, len(items), group):
            chunk = items[i : i + group]
            for name, fn in order if (i // group) % 2 else order[::-1]:
                start = clock()
                for item in chunk:
                    fn(item)
                total[name] += clock() - start
    return {name: t / len(items) / rounds for name, t in total.items()}


def report(title: str, times: dict[str, float], unit: str, scale: float, aim: float) -> dict:
    print(title)
    for name, t in times.items():
        print(f"  {name:40} {t * scale:9.1f} {unit}")
    floor = times["stage one + exact match per start"] + times["resolve + Finding objects"]
    jio = times["JioNLP"]
    result = {
        "floor": floor * scale,
        "jionlp": jio * scale,
        "ceiling": jio / floor,
        "budget": (jio / aim - floor) * scale,
        "validators": (times["scan"] - floor) * scale,
        "ratio": jio / times["scan"],
    }
    print(
        f"  floor (stage one, exact matches, Findings) {result['floor']:.1f} {unit}: "
        f"{result['ceiling']:.2f}x JioNLP with free validators; the aim ({aim:g}x) leaves the "
        f"validators {result['budget']:.1f} {unit}, they take {result['validators']:.1f}; "
        f"scan() is {result['ratio']:.2f}x JioNLP"
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description="Where the time of cyberweek.pii goes.")
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB")
    parser.add_argument("--doc-bytes", type=int, default=400, help="size of a document")
    parser.add_argument("--doc-mb", type=float, default=2.0, help="documents: this many MB")
    parser.add_argument("--stream-mb", type=float, default=10.0, help="stream: this many MB")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20191021)
    parser.add_argument("--corpus", help="corpus file (built and cached if missing)")
    args = parser.parse_args()

    text = corpus_path(args.mb, args.seed, args.corpus).read_text(encoding="utf-8")

    prepare, parts = _parts()
    engines = {"JioNLP": _jionlp(), **parts}
    docs = documents(text, args.doc_bytes, args.doc_mb)
    prepare(docs)
    size = sum(len(d.encode("utf-8")) for d in docs) / len(docs)
    doc = report(
        f"per document ({len(docs)} documents, {size:.0f} bytes on average), CPU time:",
        interleaved(engines, docs, 50, args.rounds),
        "us/doc",
        1e6,
        DOC_AIM,
    )
    # The pieces bench/pii.py gives JioNLP when streaming (PIECE // 3 characters).
    chunks = pieces(text[: int(args.stream_mb * 1e6 / 1.8)])  # about 1.8 UTF-8 bytes a char
    prepare(chunks)
    del engines['scan("")']
    mb = sum(len(p.encode("utf-8")) for p in chunks) / len(chunks) / 1e6
    stream = report(
        f"streaming ({len(chunks)} pieces of {mb:.2f} MB), CPU time:",
        {k: v / mb for k, v in interleaved(engines, chunks, 1, args.rounds).items()},
        "ms/MB",
        1e3,
        STREAM_AIM,
    )
    print(
        f"bench pii_floor: doc_floor_us={doc['floor']:.1f} doc_jionlp_us={doc['jionlp']:.1f} "
        f"doc_ceiling_ratio={doc['ceiling']:.2f} doc_validator_budget_us={doc['budget']:.1f} "
        f"doc_validators_us={doc['validators']:.1f} stream_floor_ms={stream['floor']:.1f} "
        f"stream_jionlp_ms={stream['jionlp']:.1f} stream_ceiling_ratio={stream['ceiling']:.2f} "
        f"stream_validator_budget_ms={stream['budget']:.1f} "
        f"stream_validators_ms={stream['validators']:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
