#!/usr/bin/env python3
"""identity_attack's negation and counter-speech templates (issue 22 item 1): attacks on a
group (1), the same attacks negated or quoted to reject them (0), attacks that are themselves
negative in form ("<group> are not human": 1), and civil mentions (0), for many groups.

Why: bag-of-words reads "<group> are not parasites" and "stop saying <group> are parasites" as
it reads "<group> are parasites"; the public hate data has few such sentences. The sentences
are our own. Two disjoint sets of templates (frames and predicates): one for training
augmentation, one for the dev set the features were chosen on; the script checks they share no
sentence and no frame. tests/data/hatecheck (the functional set) was not used to write them.

Usage: train/identity_attack/make_templates.py augment|dev OUT.jsonl
  (deterministic, every row written; {"text", "label", "kind", "group"})
"""
import json
import sys

GROUPS = ["women", "gay people", "trans people", "black people", "Muslims", "Jews",
          "immigrants", "refugees", "Asians", "Latinos", "Mexicans", "Native Americans",
          "bisexual people", "disabled people", "mentally ill people", "deaf people",
          "autistic people", "Hindus", "Sikhs", "Arabs", "lesbians", "Chinese people",
          "Filipinos", "indigenous people", "migrants", "Catholics", "Africans",
          "transgender people", "homosexuals", "Hispanics"]

# Each set: the hateful predicate as said (after the group), its negation, and a noun phrase
# for "calling <group> ...".
PREDS = {
    "augment": [
        ("are parasites", "are not parasites", "parasites"),
        ("are vermin", "are not vermin", "vermin"),
        ("are subhuman", "are not subhuman", "subhuman"),
        ("are a disease", "are not a disease", "a disease"),
        ("are filthy animals", "are not filthy animals", "filthy animals"),
        ("are worthless", "are not worthless", "worthless"),
        ("are all criminals", "are not all criminals", "criminals"),
        ("are a cancer on this country", "are no cancer on this country", "a cancer"),
        ("ruin every neighbourhood they move into", "do not ruin the neighbourhoods they move into",
         "a ruin to neighbourhoods"),
        ("should go back where they came from", "should not be told to go back where they came from",
         "people who should go back"),
    ],
    "dev": [
        ("are rats", "are not rats", "rats"),
        ("are a plague", "are not a plague", "a plague"),
        ("are less than human", "are not less than human", "less than human"),
        ("are scum", "are not scum", "scum"),
        ("are disgusting", "are not disgusting", "disgusting"),
        ("are too stupid to vote", "are not too stupid to vote", "too stupid to vote"),
        ("are all terrorists", "are not terrorists", "terrorists"),
        ("are a burden on society", "are not a burden on society", "a burden"),
        ("spread disease wherever they go", "do not spread disease", "disease carriers"),
        ("are inferior", "are not inferior", "inferior"),
    ],
}

# Frames: {g} the group, {p} the predicate, {n} its negation, {c} the noun phrase.
FRAMES = {
    "augment": {
        "hate": ["{G} {p}.", "All {g} {p}.", "Honestly, {g} {p}.", "I think {g} {p}.",
                 "Everyone here knows {g} {p}.", "Face it, {g} {p}!"],
        "hate_negative": ["{G} are not human.", "{G} do not deserve any rights.",
                          "No {g} should ever be allowed in this country.",
                          "I don't want {g} anywhere near my family.",
                          "{G} can never be trusted."],
        "negation": ["{G} {n}.", "I don't hate {g}.", "It's not true that {g} {p}.",
                     "I would never say {g} {p}.", "No, {g} {n}, and they never were.",
                     "I don't believe {g} {p}."],
        "counter": ["Stop saying {g} {p}.", "Saying {g} {p} is pure bigotry.",
                    "People who claim {g} {p} are spreading hate.",
                    "\"{G} {p}\" is a hateful lie.", "It's wrong to call {g} {c}.",
                    "I'm so tired of hearing that {g} {p}."],
        "civil": ["{G} live on my street.", "I work with several {g}.",
                  "{G} deserve the same rights as everyone.", "My best friends are {g}.",
                  "The festival was organised by {g} from the city.",
                  "Many {g} voted in the election."],
    },
    "dev": {
        "hate": ["{G} {p}.", "Let's be real, {g} {p}.", "We all know {g} {p}.",
                 "The truth is {g} {p}.", "{G} {p}, simple as that."],
        "hate_negative": ["{G} aren't people, they are animals.",
                          "{G} shouldn't be allowed to vote.",
                          "Never trust {g}.", "Nobody wants {g} here."],
        "negation": ["{G} {n}.", "I have nothing against {g}.", "It is false that {g} {p}.",
                     "Nobody should believe {g} {p}.", "I don't think {g} {p} at all."],
        "counter": ["Quit claiming {g} {p}.", "When people say {g} {p}, they are lying.",
                    "\"{G} {p}\" - what a vile thing to post.",
                    "Calling {g} {c} is hate speech.",
                    "Anyone who says {g} {p} should be ashamed."],
        "civil": ["{G} run the bakery downtown.", "Our school welcomes {g}.",
                  "I learned a lot from the {g} in my class.",
                  "The report was about {g} in the workforce.",
                  "{G} are part of this community."],
    },
}

LABEL = {"hate": 1, "hate_negative": 1, "negation": 0, "counter": 0, "civil": 0}


def rows(which):
    """Every row of the dev set; for augmentation, each frame and predicate with a few groups
    in turn (with group names as one placeholder, the groups of the list give one vector, so
    every group would weigh a template thirty times)."""
    turn = 0
    for kind, frames in FRAMES[which].items():
        for frame in frames:
            preds = PREDS[which] if "{p}" in frame or "{n}" in frame or "{c}" in frame \
                else [None]
            for pr in preds:
                k = len(GROUPS) if which == "dev" else (3 if pr else 10)
                for j in range(k):
                    g = GROUPS[(turn + j) % len(GROUPS)]
                    p, n, c = pr if pr else ("", "", "")
                    text = frame.format(g=g, G=g[0].upper() + g[1:], p=p, n=n, c=c)
                    yield {"text": text, "label": LABEL[kind], "kind": kind, "group": g}
                turn += k


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in FRAMES:
        sys.exit(__doc__)
    a, d = list(rows("augment")), list(rows("dev"))
    frames_a = {f for v in FRAMES["augment"].values() for f in v}
    frames_d = {f for v in FRAMES["dev"].values() for f in v}
    # "{G} {p}." and "{G} {n}." are the same frame with disjoint predicates
    shared = frames_a & frames_d - {"{G} {p}.", "{G} {n}."}
    assert not shared, shared
    assert not {r["text"] for r in a} & {r["text"] for r in d}
    with open(sys.argv[2], "w") as out:
        for r in a if sys.argv[1] == "augment" else d:
            out.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
