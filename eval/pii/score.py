"""Score the engine on the labelled evaluation set: per-type precision, recall and F1 with
exact-span matching, and false positives per hundred hard negatives of each kind.

    python eval/pii/score.py                      # eval_set.jsonl + adversarial.jsonl
    python eval/pii/score.py --show 20            # also print the first mismatches
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from cyberweek.pii import TYPES, scan  # noqa: E402

DEFAULT_FILES = (HERE / "eval_set.jsonl", HERE / "adversarial.jsonl")

# The targets of the issue (exact-span F1), and at most 1 false positive per 100 negatives.
TARGETS = {
    **dict.fromkeys(["CN_ID", "BANK_CARD", "USCC", "IMEI"], 0.99),
    **dict.fromkeys(
        [
            "CN_MOBILE",
            "CN_LANDLINE",
            "INTL_PHONE",
            "EMAIL",
            "IP_ADDRESS",
            "MAC_ADDRESS",
            "LICENSE_PLATE",
            "CN_PASSPORT",
            "TRAVEL_PERMIT",
        ],
        0.97,
    ),
    **dict.fromkeys(["DATE_OF_BIRTH", "SECRET"], 0.95),
    **dict.fromkeys(["PERSON", "ADDRESS"], 0.85),
}
MAX_NEGATIVE_FP_RATE = 0.01


def load(paths) -> list[dict]:
    docs = []
    for path in paths:
        path = Path(path)
        if path.exists():
            docs.extend(json.loads(line) for line in path.read_text("utf-8").splitlines() if line)
    return docs


def score(docs: list[dict]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    neg_total, neg_hit = Counter(), Counter()
    mismatches = []
    for doc in docs:
        found = scan(doc["text"])
        got = {(f.type, f.start, f.end) for f in found}
        want = {tuple(s) for s in doc["spans"]}
        for t, *_ in got & want:
            tp[t] += 1
        for t, s, e in got - want:
            fp[t] += 1
            mismatches.append(
                (doc["id"], "FP", t, doc["text"][s:e], doc["text"][max(0, s - 12) : e + 6])
            )
        for t, s, e in want - got:
            fn[t] += 1
            mismatches.append(
                (doc["id"], "FN", t, doc["text"][s:e], doc["text"][max(0, s - 12) : e + 6])
            )
        for kind, s, e in doc.get("negatives", []):
            neg_total[kind] += 1
            if any(f.start < e and s < f.end for f in found):
                neg_hit[kind] += 1
                mismatches.append((doc["id"], "NEG", kind, doc["text"][s:e], ""))
    per_type = {}
    for t in TYPES:
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 1.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_type[t] = {
            "support": tp[t] + fn[t],
            "tp": tp[t],
            "fp": fp[t],
            "fn": fn[t],
            "precision": p,
            "recall": r,
            "f1": f1,
        }
    negatives = {
        k: {"total": neg_total[k], "flagged": neg_hit[k], "rate": neg_hit[k] / neg_total[k]}
        for k in sorted(neg_total)
    }
    return {
        "types": per_type,
        "negatives": negatives,
        "mismatches": mismatches,
        "documents": len(docs),
    }


def failures(result: dict) -> list[str]:
    out = []
    for t, target in TARGETS.items():
        row = result["types"][t]
        if row["support"] and row["f1"] < target:
            out.append(f"{t}: F1 {row['f1']:.3f} < {target}")
    for kind, row in result["negatives"].items():
        if row["rate"] > MAX_NEGATIVE_FP_RATE:
            out.append(f"negatives {kind}: {row['flagged']}/{row['total']} flagged")
    return out


def report(result: dict) -> str:
    lines = [
        f"documents: {result['documents']}",
        f"{'type':<15}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>8}{'target':>8}",
    ]
    for t, row in result["types"].items():
        lines.append(
            f"{t:<15}{row['support']:>8}{row['precision']:>11.3f}{row['recall']:>8.3f}"
            f"{row['f1']:>8.3f}{TARGETS.get(t, 0):>8.2f}"
        )
    lines.append(f"{'hard negative':<15}{'total':>8}{'flagged':>11}{'per 100':>8}")
    for kind, row in result["negatives"].items():
        lines.append(f"{kind:<15}{row['total']:>8}{row['flagged']:>11}{100 * row['rate']:>8.2f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Score cyberweek.pii on the labelled set.")
    parser.add_argument("files", nargs="*", default=[str(p) for p in DEFAULT_FILES])
    parser.add_argument("--show", type=int, default=0, help="print this many mismatches")
    parser.add_argument("--type", help="only mismatches of this type or negative kind")
    args = parser.parse_args()
    result = score(load(args.files))
    print(report(result))
    shown = [m for m in result["mismatches"] if not args.type or m[2] == args.type]
    for m in shown[: args.show]:
        print(*m, sep=" | ")
    bad = failures(result)
    print("targets: " + ("all met" if not bad else "MISSED: " + "; ".join(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
