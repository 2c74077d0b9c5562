#!/usr/bin/env python3
"""Writes threat's template augmentation (issue 22 item 2): explicit threats made of an intent or
call and a violent act aimed at someone (1), and sentences with the same violent words that are
not threats (0): idioms, reports of a deed, negated calls, counter-speech, plans and sport.

Why: threat's public data is mostly Civil Comments posts, where a threat is rare and implicit, so
the model learned little of the shape of an explicit threat ("someone should hang him", "I will
burn your house"), which is what a moderator must not publish. The targets here are people and
groups that are not protected identity groups (the mayor, the landlord, those protesters): the
shape is taught, not a group's name. The sentences are our own; tests/data/hatecheck (the
functional set) and train/threat/dev.jsonl (the dev set the choices were made on) share no
template with them.

Usage: train/threat/make_augment.py OUT.jsonl [GROUPS.jsonl]   (deterministic: seeds 1-3, every
row written)
  OUT.jsonl     train/threat/augment.jsonl (threat's and severe_toxicity's augmentation)
  GROUPS.jsonl  train/threat/augment_groups.jsonl: the same shapes aimed at protected groups,
                threat's alone, which reads group names as one placeholder (--group-terms
                replace). 200 draws of each (threats 194 unique, not 198) were chosen on the dev
                sets (train/threat/dev.jsonl, dev2.jsonl) and the Civil Comments test split
                against 400 and 800 (mean of the pooled dev and Civil Comments ROC AUC: 0.807,
                0.805, 0.805; none 0.801)
"""
import json
import random
import sys

TARGETS_ONE = ["him", "her", "that guy", "the mayor", "the landlord", "your boss", "that cop",
               "the referee", "my neighbour", "that journalist", "the senator", "the judge",
               "the principal", "that lawyer", "the owner"]
TARGETS_MANY = ["them", "those protesters", "the politicians", "these thugs", "the landlords",
                "the reporters", "every banker", "the whole council", "those trolls",
                "the board members", "the strikers", "the developers"]
YOU = ["you", "you and your family", "you people", "u"]

ACTS = ["kill", "shoot", "hang", "stab", "beat", "burn", "strangle", "murder", "lynch",
        "execute", "torture", "slaughter", "drown", "poison", "behead", "gut", "knife",
        "choke", "butcher", "bomb"]
# passive participles for "should be X"
PASSIVE = ["killed", "shot", "hanged", "stabbed", "beaten to death", "burned alive",
           "strangled", "murdered", "lynched", "executed", "tortured", "slaughtered", "drowned",
           "poisoned", "beheaded", "gassed", "strung up", "put down like dogs"]
THINGS = ["house", "car", "shop", "office", "church", "farm", "home"]

FIRST = ["I will {a} {t}", "I'll {a} {t}", "I'm going to {a} {t}", "I am gonna {a} {t}",
         "We will {a} {t}", "we're gonna {a} {t}", "I want to {a} {t}", "I'd happily {a} {t}",
         "I swear I will {a} {t}", "one day I will {a} {t}"]
CALL = ["someone should {a} {t}", "somebody needs to {a} {t}", "let's {a} {t}",
        "we should {a} {t}", "someone has to {a} {t}", "time to {a} {t}", "go {a} {t}",
        "people should {a} {t}", "we need to {a} {t}", "somebody ought to {a} {t}"]
WISH = ["I hope someone {as} {t}", "I hope somebody {as} {t}", "I wish someone would {a} {t}",
        "pray someone {as} {t}"]
PASS = ["{T} should be {p}", "{T} deserve to be {p}", "{T} needs to be {p}",
        "{T} ought to be {p}", "{T} must be {p}", "I want {t} {p}", "{T} will be {p}"]
DIE = ["I hope {t} die", "{T} deserve to die", "{T} should die", "I want {t} dead",
       "{T} should be dead", "death to {t}"]
THING = ["I will burn down {p} {h}", "someone should burn {p} {h} down",
         "I hope someone torches {p} {h}", "let's burn {p} {h} to the ground",
         "we're going to firebomb {p} {h}"]
TAILS = ["", "", " tonight", " next week", " slowly", " if I see them again", " when no one is looking",
         " before the election", " for what they did", " and laugh about it"]

NOT = [
    "{T} killed it on stage last night", "this heat is killing me", "the new rule will kill jobs",
    "the bill would kill the local paper", "I could murder a burger right now",
    "the storm will beat down on the coast", "we will beat {t} at chess", "I'm dying of laughter",
    "the police say {t} was shot in the leg", "{T} was charged with killing a cyclist",
    "{T} was stabbed outside the bar, the paper reports",
    "the jury found that {t} had poisoned the well", "nobody should be {pp}",
    "no one deserves to be {pp}", "I would never {a} anyone", "we should not {a} {t}",
    "calls to {a} {t} are disgusting", "threatening to {a} {t} is a crime",
    "the film is about a man who wants to {a} his brother", "{T} should be fired",
    "{T} should be voted out", "{T} needs to resign", "I hope someone fixes {p} {h}",
    "someone should paint {p} {h}", "let's beat the deadline", "time to kill a few hours",
    "we need to kill the noise in this thread", "I hope {t} wins", "{T} deserve better pay",
    "I want {t} to succeed", "someone should call {t} about the leak",
    "the chef will burn the sauce if he rushes", "we should shoot a video of the parade",
    "the team will execute the plan well", "the suspect who killed {t} was arrested",
    "{T} died in the crash, the family says", "that documentary on the executions was hard to watch",
    "we'll hang the new lights tomorrow", "go beat your own record", "let's hit the road",
    "I'm going to crush this exam", "the virus could kill thousands",
    "the general ordered the prisoners shot in 1942, the historian writes",
]

# GROUPS.jsonl: protected groups as targets (as identity_attack, a model trained on these reads
# their names as one placeholder word: --group-terms replace)
GROUPS = ["muslims", "jews", "immigrants", "refugees", "black people", "gay people",
          "trans people", "women", "asians", "latinos", "arabs", "hindus", "sikhs", "migrants",
          "disabled people", "lesbians", "mexicans", "christians", "catholics", "foreigners"]
NOT_GROUP = [
    "nobody should {a} {g}", "no one should ever {a} {g}", "we will never let anyone {a} {g}",
    "people who want to {a} {g} belong in prison", "saying we should {a} {g} is hateful",
    "he was jailed for posting that {g} should be {pp}",
    "the police are investigating threats to {a} {g}", "{g} were {pp} in the pogrom, the museum says",
    "I would never {a} {g}, that is monstrous", "calls to {a} {g} have no place here",
    "{g} fear being {pp} after the attacks", "the report says {g} were {pp} during the war",
    "{g} deserve to live in peace", "{g} should be welcome here", "I hope {g} feel safe in our town",
    "we want {g} to thrive", "{g} will vote next week", "I will visit {g} at the festival",
    "let's invite {g} to the dinner", "someone should talk to {g} about the plan",
]
GROUP_ROWS = 200
SUBJECT = {"him": "he", "her": "she", "them": "they"}
NEUTRAL_TAILS = ["", "", " yesterday", " this week", " apparently", " again", " I think",
                 " or so I hear", " in my opinion", " honestly"]


def cap(s):
    return s[0].upper() + s[1:]


def subj(t):
    return cap(SUBJECT.get(t, t))


def third(a):
    return a + ("es" if a.endswith(("sh", "ch")) else "s")


def threats(rng):
    out = []
    for _ in range(900):
        kind = rng.randrange(6)
        t = rng.choice(TARGETS_ONE + TARGETS_MANY + YOU)
        a = rng.choice(ACTS)
        if kind == 0:
            s = rng.choice(FIRST).format(a=a, t=t)
        elif kind == 1:
            s = rng.choice(CALL).format(a=a, t=t)
        elif kind == 2:
            s = rng.choice(WISH).replace("{as}", third(a)).format(a=a, t=t)
        elif kind == 3:
            t = rng.choice(TARGETS_ONE + TARGETS_MANY)
            s = rng.choice(PASS).format(T=subj(t), t=t, p=rng.choice(PASSIVE))
        elif kind == 4:
            t = rng.choice(TARGETS_ONE + TARGETS_MANY)
            s = rng.choice(DIE).format(T=subj(t), t=t)
        else:
            p = rng.choice(["his", "her", "their", "your", "the mayor's", "the landlord's"])
            s = rng.choice(THING).format(p=p, h=rng.choice(THINGS))
        out.append(cap(s + rng.choice(TAILS)))
    return out


def not_threats(rng):
    out = []
    for _ in range(900):
        t = rng.choice(TARGETS_ONE + TARGETS_MANY)
        s = rng.choice(NOT).format(T=subj(t), t=t, a=rng.choice(ACTS), pp=rng.choice(PASSIVE),
                                   p=rng.choice(["his", "her", "their"]), h=rng.choice(THINGS))
        out.append(cap(s + rng.choice(NEUTRAL_TAILS)))
    return out


def group_rows(rng, n):
    """The same shapes aimed at protected groups: threats, and the groups named
    beside the same violent words in sentences that are not threats (negated calls, counter-
    speech, reports). Balanced, so that with --group-terms replace the placeholder itself
    carries no weight either way."""
    pos, neg = [], []
    for _ in range(n):
        g = rng.choice(GROUPS)
        a = rng.choice(ACTS)
        kind = rng.randrange(4)
        if kind == 0:
            s = rng.choice(FIRST + CALL).format(a=a, t="all the " + g)
        elif kind == 1:
            s = rng.choice(WISH).replace("{as}", third(a)).format(a=a, t="the " + g)
        elif kind == 2:
            s = rng.choice(PASS).format(T="The " + g, t="the " + g, p=rng.choice(PASSIVE))
        else:
            s = rng.choice(DIE).format(T="The " + g, t="the " + g)
        pos.append(cap(s + rng.choice(TAILS)))
        g = rng.choice(GROUPS)
        s = rng.choice(NOT_GROUP).format(g=g, a=rng.choice(ACTS), pp=rng.choice(PASSIVE))
        neg.append(cap(s + rng.choice(NEUTRAL_TAILS)))
    return pos, neg


def write(path, pos, neg):
    pos = sorted(set(pos))
    neg = sorted(set(neg))
    with open(path, "w", encoding="utf-8") as f:
        for label, rows in ((1, pos), (0, neg)):
            for s in rows:
                f.write(json.dumps({"text": s, "label": label}) + "\n")
    print(f"{path}: {len(pos)} threats, {len(neg)} not", file=sys.stderr)


def main():
    write(sys.argv[1], threats(random.Random(1)), not_threats(random.Random(2)))
    if len(sys.argv) > 2:
        write(sys.argv[2], *group_rows(random.Random(3), GROUP_ROWS))


if __name__ == "__main__":
    main()
