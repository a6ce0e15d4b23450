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

# The held-out set (real_heldout.jsonl) is not among them: it is scored by hand, once.
DEFAULT_FILES = (
    HERE / "eval_set.jsonl",
    HERE / "adversarial.jsonl",
    HERE / "real_tune.jsonl",
    HERE / "real_traps.jsonl",
)

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
            "QQ",
            "WECHAT_ID",
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
    otp_gold, otp_got = Counter(), Counter()  # overlap matches: gold spans hit, findings hitting
    neg_total, neg_hit = Counter(), Counter()
    mismatches = []
    for doc in docs:
        found = scan(doc["text"])
        got = {(f.type, f.start, f.end) for f in found}
        want = {tuple(s) for s in doc["spans"]}
        for t, *_ in got & want:
            tp[t] += 1
        # Overlap matching: a finding counts when it shares a character with a labelled
        # span of its type (the boundary is wrong but the value is caught).
        for t, s, e in want:
            if any(t == gt and gs < e and s < ge for gt, gs, ge in got):
                otp_gold[t] += 1
        for gt, gs, ge in got:
            if any(t == gt and gs < e and s < ge for t, s, e in want):
                otp_got[gt] += 1
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
    for t in [*TYPES, *sorted(set(tp) | set(fn) | set(fp) - set(TYPES))]:
        if t in per_type:
            continue
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 1.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        n_got, n_gold = tp[t] + fp[t], tp[t] + fn[t]
        op = otp_got[t] / n_got if n_got else 1.0
        orr = otp_gold[t] / n_gold if n_gold else 1.0
        per_type[t] = {
            "overlap_f1": 2 * op * orr / (op + orr) if op + orr else 0.0,
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
    all_tp, all_fp, all_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p = all_tp / (all_tp + all_fp) if all_tp + all_fp else 1.0
    r = all_tp / (all_tp + all_fn) if all_tp + all_fn else 1.0
    op = sum(otp_got.values()) / (all_tp + all_fp) if all_tp + all_fp else 1.0
    orr = sum(otp_gold.values()) / (all_tp + all_fn) if all_tp + all_fn else 1.0
    per_type["ALL"] = {
        "support": all_tp + all_fn,
        "tp": all_tp,
        "fp": all_fp,
        "fn": all_fn,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "overlap_f1": 2 * op * orr / (op + orr) if op + orr else 0.0,
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
        f"{'type':<15}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>8}{'overlap':>9}"
        f"{'target':>8}",
    ]
    for t, row in result["types"].items():
        if not row["support"] and not row["fp"]:
            continue
        lines.append(
            f"{t:<15}{row['support']:>8}{row['precision']:>11.3f}{row['recall']:>8.3f}"
            f"{row['f1']:>8.3f}{row['overlap_f1']:>9.3f}{TARGETS.get(t, 0):>8.2f}"
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
