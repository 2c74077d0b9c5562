#!/usr/bin/env python3
"""Turn the public data sets in ../shared/data into JSON Lines for `modscore train`.

Usage: train/prepare.py DATA_DIR OUT_DIR

Writes OUT_DIR/*.jsonl (never committed: several sets are dev-only text):
  impermium-train.jsonl, impermium-test.jsonl   Kaggle 2012 insults (Insult 1 = hostile)
  olid-train.jsonl, olid-test.jsonl              OffensEval 2019 subtask A (OFF = hostile)
  davidson.jsonl                                 Davidson 2017 (hate or offensive = hostile)
  semeval-train.jsonl, semeval-test.jsonl        SemEval-2016 3A: comment vs its thread's question
                                                 (Bad = off-topic 1, Good = 0; PotentiallyUseful
                                                 left out); test = threads whose id hashes to 0-19 of 100
  globe-train.jsonl, globe-test.jsonl            Globe and Mail comments with their own article (0)
                                                 and with another article (1); test = article 28659297
Attribute sets (issue 14), the held-out split of each is its own file:
  ccs-ATTR-train.jsonl, ccs-ATTR-test.jsonl      Civil Comments spans (Toxic Spans corpus), ATTR one of
                                                 insult, identity_attack, profanity, threat: 1 when at
                                                 least two annotators marked a span of that type, 0 when
                                                 none did; one annotator alone is left out (ambiguous);
                                                 comments with more than 7 annotators (one, 357) left out;
                                                 test = comment ids hashing to 0-19 of 100
  stormfront-train.jsonl, stormfront-test.jsonl  de Gibert 2018: hate 1, noHate 0 (relation, idk/skip
                                                 left out); test = the authors' sampled_test
  olid-grp.jsonl                                 OLID subtask C GRP (offence aimed at a group) 1, NOT 0
  davidson-hate.jsonl                            Davidson class hate 1, neither 0 (offensive left out)
  olid-not.jsonl                                 OLID training NOT, all 0
  civil-neg.jsonl                                OLID training NOT and Impermium train non-insults, all 0
  civil-neg-clean.jsonl                          the same without a word of the profanity list
Issue 22 (the new hate data, threats, severe toxicity, c3), held-out split of each its own file:
  hatexplain-ia-train/-val.jsonl                 HateXplain hatespeech 1, normal 0 ("offensive" is not
                                                 hate: left out); val = the authors' val split
  hatexplain-tox-train/-val.jsonl                hatespeech or offensive 1, normal 0
  hatexplain-off-train.jsonl                     offensive 1, normal 0, hatespeech left out (hostility)
  hateval-train/-dev.jsonl                       HatEval 2019 English HS (hate against women and
                                                 immigrants) 1, else 0; dev = the authors' dev split
  cad-train/-val.jsonl                           CAD abusive ("hatespeech") 1, normal 0; val = authors'
  toxigen.jsonl                                  ToxiGen hate_* 1, neutral_* 0 (augmentation only:
                                                 few unique sentences, never held out)
  c3-train/-test.jsonl                           C3 crowd toxicity level (mean 1-4): >= 2 is 1, <= 1.2
                                                 is 0, between left out; test = articles hashing 0-19
  youtoxic-train/-test.jsonl                     YouToxic IsToxic; test = comment ids hashing 0-19
  youtoxic-threat.jsonl                          YouToxic IsThreat (all rows), each 1
  hate-threat.jsonl                              hate posts (HateXplain hatespeech, Stormfront hate,
                                                 HatEval HS with AG) that call for violence
                                                 (prepare_more.THREAT_RE and INTENT_RE), each 1
  toxigen-not-threat.jsonl                       ToxiGen statements without a violent word, each 0
  ccs-threat-spans.jsonl                         the words typed Threat (training split), each 1
  ccs-threat-one.jsonl                           Civil Comments (train split) posts where exactly one
                                                 annotator typed a Threat span and most called the post
                                                 toxic: 1 (see ccs_threat_one)
  severe-train/-test.jsonl                       SEVERE_TOXICITY (see severe()): graded labels
  rater-*.jsonl                                  {"text","share":{ATTR: share of raters}} for the
                                                 Perspective scale (train/perspective_scale.py)
Only the Python standard library is used.
"""
import csv
import json
import os
import re
import sys

ESC = re.compile(rb"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|n|t|r|'|\"|\\)")


def unescape_once(raw: bytes) -> bytes:
    def sub(m):
        e = m.group(1)
        if e[:1] == b"x":
            return bytes([int(e[1:], 16)])
        if e[:1] == b"u":
            return chr(int(e[1:], 16)).encode("utf-8")
        return {b"n": b"\n", b"t": b"\t", b"r": b"\r", b"'": b"'", b'"': b'"', b"\\": b"\\"}[e]
    return ESC.sub(sub, raw)


def impermium_text(value: str) -> str:
    """Strip the literal quote pair, unescape until stable, decode bytes
    (UTF-8 where valid, Latin-1 for stray bytes such as a lone \\xa0)."""
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1]
    raw = value.encode("utf-8")
    for _ in range(5):
        nxt = unescape_once(raw)
        if nxt == raw:
            break
        raw = nxt
    text = raw.decode("utf-8", errors="surrogateescape")
    return "".join(chr(ord(c) - 0xDC00) if 0xDC80 <= ord(c) <= 0xDCFF else c for c in text)


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for text, label in rows:
            f.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
    print(f"prepare: {path}: {len(rows)} examples, {sum(l for _, l in rows)} positive",
          file=sys.stderr)


def impermium(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [(impermium_text(r["Comment"]), int(r["Insult"])) for r in csv.DictReader(f)]


def olid_train(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["tweet"], 1 if r["subtask_a"] == "OFF" else 0) for r in rows]


def olid_test(tweets, labels):
    with open(labels, encoding="utf-8") as f:
        lab = {row[0]: row[1] for row in csv.reader(f)}
    with open(tweets, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["tweet"], 1 if lab[r["id"]] == "OFF" else 0) for r in rows]


def davidson(path):
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            t = r["tweet"].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            t = re.sub(r"^(RT\s+)?(@\w+:?\s*)+", "", t)
            out.append((t, 1 if r["class"] in ("0", "1") else 0))
    return out


def stable_bucket(key: str) -> int:
    """0..99 from a key, the same on every machine (no Python hash seed)."""
    h = 2166136261
    for b in key.encode("utf-8"):
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h % 100


def write_ctx(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"prepare: {path}: {len(rows)} examples, {sum(r['label'] for r in rows)} off-topic",
          file=sys.stderr)


def semeval(path):
    import xml.etree.ElementTree as ET
    train, test = [], []
    root = ET.parse(path).getroot()
    for thread in root.iter("Thread"):
        if thread.get("SubtaskA_Skip_Because_Same_As_RelQuestion_ID"):
            continue
        q = thread.find("RelQuestion")
        out = test if stable_bucket(thread.get("THREAD_SEQUENCE")) < 20 else train
        for c in thread.findall("RelComment"):
            rel = c.get("RELC_RELEVANCE2RELQ")
            text = (c.findtext("RelCText") or "").strip()
            if rel not in ("Good", "Bad") or not text:
                continue
            out.append({"text": text, "label": 1 if rel == "Bad" else 0,
                        "author": c.get("RELC_USERID"),
                        "article": {"author": q.get("RELQ_USERID"),
                                    "title": q.findtext("RelQSubject") or "",
                                    "body": q.findtext("RelQBody") or ""}})
    return train, test


def globe(data):
    import random
    with open(f"{data}/globe-and-mail/articles_flat.csv", newline="", encoding="utf-8") as f:
        arts = {r["article_id"]: r for r in csv.DictReader(f)}
    with open(f"{data}/globe-and-mail/comments_flat.csv", newline="", encoding="utf-8") as f:
        comments = list(csv.DictReader(f))
    rng = random.Random(2016)
    ids = sorted(arts)
    held_out = "28659297"
    train, test = [], []
    for c in comments:
        text = c["comment_text"].strip()
        if not text or c["article_id"] not in arts:
            continue
        own = arts[c["article_id"]]
        other = arts[rng.choice([i for i in ids if i != c["article_id"]])]
        out = test if c["article_id"] == held_out else train
        for art, label in ((own, 0), (other, 1)):
            r = {"text": text, "label": label,
                 "article": {"title": art["title"].replace(" - The Globe and Mail", ""),
                             "body": art["article_text"]}}
            out.append(r)
    return train, test


CCS_TYPES = {"insult": "Insu", "identity_attack": "Identity", "profanity": "Prof",
             "threat": "Threat"}


def ccs(data):
    """Comment-level attribute labels from the annotators' typed spans.
    Rule: 1 when >= 2 annotators marked a span of the type, 0 when none did,
    left out when exactly one did. Why: span typing is recall-limited (an
    annotator marks the type that struck them most; an identity attack is
    often typed Insult), so one annotator's type is weak evidence either way,
    and most comments have 3 annotators, where 2 is a majority."""
    d = f"{data}/civil-comments-spans"
    with open(f"{d}/comments.csv", newline="", encoding="utf-8") as f:
        texts = {r["comment_id"]: r["comment_text"] for r in csv.DictReader(f)}
    by_comment = {}
    with open(f"{d}/annotations.csv", newline="", encoding="utf-8") as f:
        ann_comment = {}
        for r in csv.DictReader(f):
            ann_comment[r["annotation"]] = r["comment_id"]
            by_comment.setdefault(r["comment_id"], set()).add(r["annotation"])
    marked = {}  # annotation -> set of attribute names
    with open(f"{d}/spans.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            for attr, prefix in CCS_TYPES.items():
                if r["type"].startswith(prefix):
                    marked.setdefault(r["annotation"], set()).add(attr)
    out = {a: ([], []) for a in CCS_TYPES}
    for cid in sorted(by_comment, key=int):
        anns = by_comment[cid]
        text = texts.get(cid, "").strip()
        if not text or len(anns) > 7:
            continue
        split = 1 if stable_bucket(cid) < 20 else 0
        for attr in CCS_TYPES:
            n = sum(1 for a in anns if attr in marked.get(a, ()))
            if n == 1:
                continue
            out[attr][split].append((text, 1 if n >= 2 else 0))
    return out


def stormfront(path):
    train, test = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["label"] not in ("hate", "noHate"):
                continue
            (test if r["split"] == "sampled_test" else train).append(
                (r["text"].strip(), 1 if r["label"] == "hate" else 0))
    return train, test


def olid_grp(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["tweet"], 1 if r["subtask_c"] == "GRP" else 0) for r in rows
            if r["subtask_c"] == "GRP" or r["subtask_a"] == "NOT"]


def davidson_hate(path):
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["class"] == "1":
                continue
            t = r["tweet"].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            t = re.sub(r"^(RT\s+)?(@\w+:?\s*)+", "", t)
            out.append((t, 1 if r["class"] == "0" else 0))
    return out


def profane(text, words, phrases):
    toks = re.findall(r"[a-z0-9']+", text.lower())
    if any(t in words for t in toks):
        return True
    low = " " + " ".join(toks) + " "
    return any(" " + p + " " in low for p in phrases)


from prepare_more import more  # noqa: E402  (issue 22's sets, beside this file)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    write(f"{out}/impermium-train.jsonl", impermium(f"{data}/impermium/train.csv"))
    write(f"{out}/impermium-test.jsonl", impermium(f"{data}/impermium/test_with_solutions.csv"))
    write(f"{out}/olid-train.jsonl", olid_train(f"{data}/olid/olid-training-v1.0.tsv"))
    write(f"{out}/olid-test.jsonl",
          olid_test(f"{data}/olid/testset-levela.tsv", f"{data}/olid/labels-levela.csv"))
    write(f"{out}/davidson.jsonl", davidson(f"{data}/davidson/labeled_data.csv"))
    tr, te = semeval(f"{data}/semeval2016-cqa/SemEval2016-Task3-CQA-QL-train-part2.xml")
    write_ctx(f"{out}/semeval-train.jsonl", tr)
    write_ctx(f"{out}/semeval-test.jsonl", te)
    tr, te = globe(data)
    write_ctx(f"{out}/globe-train.jsonl", tr)
    write_ctx(f"{out}/globe-test.jsonl", te)
    # attributes
    for attr, (tr, te) in ccs(data).items():
        write(f"{out}/ccs-{attr}-train.jsonl", tr)
        write(f"{out}/ccs-{attr}-test.jsonl", te)
    tr, te = stormfront(f"{data}/stormfront/stormfront.csv")
    write(f"{out}/stormfront-train.jsonl", tr)
    write(f"{out}/stormfront-test.jsonl", te)
    write(f"{out}/olid-grp.jsonl", olid_grp(f"{data}/olid/olid-training-v1.0.tsv"))
    write(f"{out}/davidson-hate.jsonl", davidson_hate(f"{data}/davidson/labeled_data.csv"))
    civil = [(t, 0) for t, l in olid_train(f"{data}/olid/olid-training-v1.0.tsv") if l == 0]
    write(f"{out}/olid-not.jsonl", civil)
    civil += [(t, 0) for t, l in impermium(f"{data}/impermium/train.csv") if l == 0]
    write(f"{out}/civil-neg.jsonl", civil)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(f"{here}/../models/lexicons/profanity.txt", encoding="utf-8") as f:
        terms = [w.strip().lower() for w in f if w.strip() and not w.startswith("#")]
    words = {w for w in terms if " " not in w}
    phrases = [w for w in terms if " " in w]
    write(f"{out}/civil-neg-clean.jsonl", [(t, 0) for t, _ in civil
                                            if not profane(t, words, phrases)])
    more(data, out, write, stable_bucket, civil)


if __name__ == "__main__":
    main()
