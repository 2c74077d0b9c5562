#!/usr/bin/python3
"""make_stream.py N SEED [--bad] [--inline] - a synthetic JSON Lines stream of N comment
lines on stdout, the same bytes for the same arguments. Made up here from
word lists (no corpus text): polite and hostile comments, with and without
ids, articles inline and named by "article_id", parent texts, non-ASCII and
invalid UTF-8 text, over-long words; with --bad, also lines the reader
rejects (bad JSON, no "text", an unknown "article_id"); with --inline, no
"article_id" lines (every article inline: lines that can be scored apart)."""
import json
import random
import sys

POLITE = ("thanks for the clear article I learned a lot about the council budget "
          "the bike lanes plan seems sensible and the numbers add up well "
          "I disagree with the author but the argument is fair and the sources are good "
          "great reporting on the harbour project please keep covering local schools").split()
HOSTILE = ("you are an idiot moron stupid shut up go away loser pathetic clown "
           "nobody cares about your garbage opinion you disgusting fool").split()
OFFTOPIC = ("check out my channel for free crypto giveaway click here watch now "
            "best deals on shoes visit my profile").split()
OTHER = ["café", "naïve", "Zürich", "ümlaut", "日本語", "😀", "f*ck", "sh1t", "a$$", "loooooser",
         "s t u p i d", "\u2028", "\t", "\"quoted\"", "back\\slash"]
TOPICS = [("Bike lanes", "The council voted for new bike lanes on the high street.",
           ["transport", "council"]),
          ("Harbour project", "The harbour will be dredged next spring at a cost of two million.",
           ["harbour"]),
          ("School budgets", "Schools face cuts as the county budget shrinks.", [])]


def sentence(rng):
    pool = rng.choice([POLITE, POLITE, HOSTILE, OFFTOPIC])
    words = [rng.choice(pool) for _ in range(rng.randint(2, 30))]
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words) + 1), rng.choice(OTHER))
    s = " ".join(words)
    if rng.random() < 0.1:
        s = s.upper() + "!!!"
    return s


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    bad = "--bad" in sys.argv[3:]
    inline = "--inline" in sys.argv[3:]
    rng = random.Random(seed)
    out = sys.stdout.buffer
    defined = []
    for i in range(n):
        r = rng.random()
        if bad and r < 0.01:
            out.write(rng.choice([b'{"id":"x", "text": ', b'{"id":"y"}', b'[1,2]',
                                  b'{"text":"a","article_id":"nope"}', b'']) + b"\n")
            continue
        obj = {}
        if rng.random() < 0.8:
            obj["id"] = "c%d" % i if rng.random() < 0.9 else i
        if rng.random() < 0.3:
            obj["author"] = rng.choice(["ann", "bob", "chidi", "dana"])
        obj["text"] = sentence(rng)
        t = rng.random()
        if t < 0.25:
            title, body, tags = rng.choice(TOPICS)
            obj["article"] = {"id": "a%d" % rng.randrange(5), "title": title, "body": body,
                              "tags": tags}
        elif t < 0.35 and not inline:
            aid = "s%d" % i
            title, body, tags = rng.choice(TOPICS)
            out.write(json.dumps({"article": {"id": aid, "title": title, "body": body,
                                              "tags": tags}}).encode() + b"\n")
            defined.append(aid)
            obj["article_id"] = aid
        if rng.random() < 0.2:
            obj["parent_text"] = sentence(rng)
        line = json.dumps(obj, ensure_ascii=rng.random() < 0.5).encode()
        if rng.random() < 0.01:  # invalid UTF-8 inside the text
            line = line.replace(b'"text": "', b'"text": "\xff\xfe ', 1)
        out.write(line + b"\n")


main()
