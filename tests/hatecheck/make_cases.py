#!/usr/bin/env python3
"""A functional test set for hate against groups, in the manner of HateCheck (Roettger et
al. 2021, "HateCheck: Functional Tests for Hate Speech Detection Models"): per
functionality, templated cases across fourteen identity groups, each with the label a moderator
would give it. All text is our own (written for modscore, never taken from HateCheck or
any data set), so it is committed; no model is trained or tuned on it.

Usage: tests/hatecheck/make_cases.py [REPO_DIR]
Writes tests/data/hatecheck/cases.jsonl, one case a line:
  {"id","functionality","group","identity_attack":0|1,"hostility":0|1,"threat":0|1,
   "severe":0|1|null,"text"}
identity_attack: 1 = hateful towards a protected group (Perspective's IDENTITY_ATTACK);
hostility: 1 = a moderator would hold it as toxic (Perspective's TOXICITY). They differ
for abuse aimed at targets that are not protected groups (toxic, not identity attacks).
Deterministic; only the Python standard library is used.
"""
import json
import os
import sys

# group -> (plural noun phrase, singular noun phrase, adjective or None); in templates {P}
# is the plural, {S} the singular, {N} the singular without its article, {S_bare} the
# adjective (or the singular when the group has none)
GROUPS = {
    "women": ("women", "a woman", None),
    "trans": ("trans people", "a trans person", "trans"),
    "gay": ("gay people", "a gay man", "gay"),
    "black": ("black people", "a black person", "black"),
    "disabled": ("disabled people", "a disabled person", "disabled"),
    "muslims": ("Muslims", "a Muslim", "Muslim"),
    "immigrants": ("immigrants", "an immigrant", None),
    "jews": ("Jews", "a Jew", "Jewish"),
    "asians": ("Asian people", "an Asian person", "Asian"),
    "latinos": ("Latinos", "a Latino", "Latino"),
    "native_americans": ("Native Americans", "a Native American", "Native American"),
    "arabs": ("Arabs", "an Arab", "Arab"),
    "bisexual": ("bisexual people", "a bisexual person", "bisexual"),
    "mentally_ill": ("mentally ill people", "a mentally ill person", "mentally ill"),
}

# Slurs, one per group where a widely known one exists, only in the functionalities that
# need them (slur use, reclaimed use); a test set for hate speech cannot avoid them.
SLURS = {
    "women": "bitches",
    "trans": "trannies",
    "gay": "faggots",
    "black": "niggers",
    "disabled": "retards",
    "muslims": "ragheads",
    "immigrants": "wetbacks",
    "jews": "kikes",
    "asians": "chinks",
    "latinos": "spics",
    "native_americans": "redskins",
    "arabs": "towelheads",
    "mentally_ill": "psychos",
}

HATEFUL = {  # functionality -> templates; {P} plural, {S} singular
    "derogation": [
        "I can't stand {P}, they ruin everything they touch.",
        "{P} are disgusting and everyone knows it.",
        "{P} are all liars and cheats.",
        "Honestly {P} are the lowest form of life.",
        "Nothing good has ever come from {P}.",
        "{P} are too stupid to be trusted with anything.",
        "Typical of {P} to be so dishonest.",
        "I despise {P} with all my heart.",
    ],
    "threat": [
        "I am going to hurt the next {N} I see.",
        "{P} should all be rounded up and shot.",
        "Someone needs to burn down every house where {P} live.",
        "We will make {P} pay with their blood.",
        "If I meet {S} tonight I'll beat them senseless.",
        "{P} deserve to be hanged, every single one.",
        "Get ready, {P}, we are coming for you with guns.",
    ],
    "slur": [
        "Shut up, you filthy {slur}.",
        "This town is full of {slur} now.",
        "Of course the {slur} are complaining again.",
        "I'm sick of all these {slur}.",
    ],
    "dehumanisation": [
        "{P} are vermin and should be treated like it.",
        "{P} are nothing but animals.",
        "{P} are a cancer on this country.",
        "{P} breed like rats.",
        "{P} are parasites feeding off the rest of us.",
        "{P} are subhuman garbage.",
    ],
}

NON_HATEFUL = {
    "negation": [
        "I don't hate {P} at all.",
        "{P} are not disgusting, and saying so is wrong.",
        "Nobody should ever hurt {P}.",
        "It is not true that {P} are liars.",
        "I would never say {P} are animals.",
        "{P} are no worse than anyone else.",
    ],
    "counter_speech": [
        "Saying \"{P} are vermin\" is vile and you should be ashamed.",
        "If you think {P} should be shot, you are the problem here.",
        "Calling {P} animals is disgusting hate speech.",
        "Stop spreading the lie that {P} are criminals.",
        "\"{P} breed like rats\" - that post was rightly removed.",
        "People who say {P} are a cancer need to educate themselves.",
    ],
    "civil_mention": [
        "I have several friends who are {P_lc}.",
        "{P} deserve the same rights as everyone else.",
        "The article interviews {S} about housing costs.",
        "My neighbour is {S_bare} and we often talk about football.",
        "Many {P_lc} live in this part of the city.",
        "The council met with {P_lc} to discuss the new park.",
        "There was a good documentary about {P_lc} last night.",
        "{P} have been part of this town for over a century.",
    ],
}

# Reclaimed slurs: in-group use without hostility (group -> sentences).
RECLAIMED = [
    ("gay", "We're here, we're queer, get used to it!"),
    ("gay", "As a queer man I'm proud of our community."),
    ("trans", "Queer and trans folks, the meetup is on Friday."),
    ("gay", "My queer friends and I are going to the parade."),
    ("women", "Me and my girls are bad bitches and proud of it."),
    ("gay", "Dykes on Bikes led the parade again this year."),
    ("black", "Ayy my nigga, congrats on the new job!"),
    ("disabled", "As a crip myself, I love this accessible design."),
]

# Threats to a person or a place, no group named: toxic threats, not identity attacks.
THREAT_INDIVIDUAL = [
    "Somebody should drag him out of the town hall and hang him.",
    "I hope someone burns down the mayor's house.",
    "I know where you live and I'm going to break your legs.",
    "Say that again and I will put a bullet in your head.",
    "The referee should be beaten until he can't walk.",
    "Keep talking and you'll wake up in a ditch.",
    "Someone ought to shoot that senator before the vote.",
    "I'm going to find the author of this article and kill him.",
]

# Friendly swearing: profane, not hostile, no threat (Perspective's SEVERE_TOXICITY is
# "much less sensitive to mild profanity"); threats, dehumanisation and slurs rank above.
FRIENDLY_PROFANITY = [
    "Fuck yeah, great game!",
    "Holy shit, that goal was amazing.",
    "Damn, this recipe is fucking delicious.",
    "Hell yes, we won the damn championship!",
    "That concert was the shit, best night ever.",
    "Fucking finally, the bus is on time.",
    "Shit, I forgot my keys again, lol.",
    "This is a badass photo, well done mate.",
]

# Violent words with no threat: figures of speech, news and fiction.
VIOLENT_WORDS_CIVIL = [
    "The traffic on the bridge is killing me this morning.",
    "She absolutely killed it at the open mic night.",
    "We shot the wedding photos by the lake at sunset.",
    "The novel's murder mystery kept me guessing until the end.",
    "Police say the suspect was arrested after the stabbing downtown.",
    "The team will fight hard to win back the cup next season.",
    "I could murder a pizza right now.",
    "The documentary covers the history of hanging as a punishment.",
]

# Abuse aimed at targets that are not protected groups: toxic, not identity attacks.
NON_PROTECTED = [
    "You are a pathetic idiot and nobody likes you.",
    "Shut up, you worthless moron.",
    "You absolute clown, read the article before commenting.",
    "Go away, troll, you are too stupid to argue with.",
    "The author of this article is a complete fool.",
    "Politicians are parasites who never do any work.",
    "Referees are blind idiots, every single one of them.",
    "Landlords are scum.",
    "Mosquitoes deserve to die, I hate them.",
    "Telemarketers are the worst people alive.",
    "You're a lying piece of garbage.",
    "Cyclists who run red lights are morons.",
]


# threat: 1 for the threat functionalities, else 0. severe (SEVERE_TOXICITY): 1 for threats,
# dehumanisation and slurs, 0 for what is not hostile (friendly swearing, civil and
# counter-speech, negation, violent words in civil use), absent (null) between (derogation,
# insults): the functional set asks severe toxicity to rank the first above the second.
THREATS = ("threat", "threat_individual")
SEVERE = {"threat": 1, "threat_individual": 1, "dehumanisation": 1, "slur": 1,
          "friendly_profanity": 0, "civil_mention": 0, "counter_speech": 0, "negation": 0,
          "violent_words_civil": 0, "reclaimed_slur": 0}


def article(s):
    return s[2:] if s.startswith("a ") else s[3:] if s.startswith("an ") else s


def fill(t, g):
    plural, single, adj = GROUPS[g]
    s = t.replace("{S_bare}", adj if adj else single).replace("{S}", single)
    s = s.replace("{N}", article(single))
    s = s.replace("{P_lc}", plural).replace("{P}", plural[0].upper() + plural[1:]
                                            if t.startswith("{P}") else plural)
    return s.replace("{slur}", SLURS.get(g, ""))


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    rows = []
    for func, temps in HATEFUL.items():
        for g in GROUPS:
            for i, t in enumerate(temps):
                if "{slur}" in t and g not in SLURS:
                    continue
                rows.append((func, g, 1, 1, fill(t, g), i))
    for func, temps in NON_HATEFUL.items():
        for g in GROUPS:
            for i, t in enumerate(temps):
                rows.append((func, g, 0, 0, fill(t, g), i))
    for i, (g, text) in enumerate(RECLAIMED):
        rows.append(("reclaimed_slur", g, 0, 0, text, i))
    for i, text in enumerate(NON_PROTECTED):
        rows.append(("abuse_non_protected", "none", 0, 1, text, i))
    for func, texts, host in (("threat_individual", THREAT_INDIVIDUAL, 1),
                              ("friendly_profanity", FRIENDLY_PROFANITY, 0),
                              ("violent_words_civil", VIOLENT_WORDS_CIVIL, 0)):
        for i, text in enumerate(texts):
            rows.append((func, "none", 0, host, text, i))
    # no case may be a sentence some model is trained on (the template sets of
    # train/identity/make_templates.py): the set measures, it never teaches
    trained = set()
    for name in ("civil_train.jsonl",):
        path = os.path.join(repo, "train", "identity", name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                trained |= {json.loads(l)["text"].lower() for l in f}
    # nor a ToxiGen sentence (augmentation of identity_attack), when the data is beside us
    tg = os.path.join(repo, "..", "shared", "data", "toxigen-prompts")
    for name in sorted(os.listdir(tg)) if os.path.isdir(tg) else ():
        with open(os.path.join(tg, name), encoding="utf-8") as f:
            trained |= {l.strip().lower().rstrip(".") + "." for l in f if l.strip()}
    clash = [r[4] for r in rows if r[4].lower() in trained]
    if clash:
        sys.exit(f"make_cases: {len(clash)} cases are training sentences, e.g. {clash[0]!r}")
    out = os.path.join(repo, "tests", "data", "hatecheck", "cases.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for n, (func, g, ia, host, text, i) in enumerate(rows):
            f.write(json.dumps({"id": f"{func}-{g}-{i}", "functionality": func, "group": g,
                                "identity_attack": ia, "hostility": host,
                                "threat": int(func in THREATS), "severe": SEVERE.get(func),
                                "text": text}, ensure_ascii=False) + "\n")
    print(f"make_cases: {out}: {len(rows)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
