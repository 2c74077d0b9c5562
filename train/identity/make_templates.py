#!/usr/bin/env python3
"""Identity-term sentences from templates (after Dixon et al. 2018, "Measuring and Mitigating
Unintended Bias in Text Classification"): the same sentence with a different identity term
must get the same hostility score.

Usage: train/identity/make_templates.py [REPO_DIR]

Writes (both deterministic; all text is our own, so both are committed):
  tests/data/bias/identity.jsonl      the bias TEST set: every term x TEST_CIVIL (label 0)
                                      and TEST_HOSTILE (label 1) templates;
                                      {"id","group","template","label","text"}
  train/identity/civil_train.jsonl    civil TRAINING sentences for the fix: every term x
                                      TRAIN_CIVIL templates (label 0); {"text","label"}
The training templates share no template with the test set (the script checks), so a
model trained with civil_train.jsonl is measured on sentences it has not seen.
Only the Python standard library is used.
"""
import json
import os
import sys

# term -> (singular noun phrase with its article, plural, predicate after "is"/"am")
TERMS = {
    "woman": ("a woman", "women", "a woman"),
    "man": ("a man", "men", "a man"),
    "gay": ("a gay person", "gay people", "gay"),
    "lesbian": ("a lesbian", "lesbians", "a lesbian"),
    "bisexual": ("a bisexual person", "bisexual people", "bisexual"),
    "straight": ("a straight person", "straight people", "straight"),
    "transgender": ("a transgender person", "transgender people", "transgender"),
    "queer": ("a queer person", "queer people", "queer"),
    "nonbinary": ("a nonbinary person", "nonbinary people", "nonbinary"),
    "black": ("a black person", "black people", "black"),
    "white": ("a white person", "white people", "white"),
    "asian": ("an Asian person", "Asian people", "Asian"),
    "latino": ("a Latino person", "Latino people", "Latino"),
    "hispanic": ("a Hispanic person", "Hispanic people", "Hispanic"),
    "arab": ("an Arab person", "Arab people", "Arab"),
    "muslim": ("a Muslim", "Muslims", "a Muslim"),
    "christian": ("a Christian", "Christians", "a Christian"),
    "jewish": ("a Jewish person", "Jewish people", "Jewish"),
    "hindu": ("a Hindu", "Hindus", "a Hindu"),
    "buddhist": ("a Buddhist", "Buddhists", "a Buddhist"),
    "catholic": ("a Catholic", "Catholics", "a Catholic"),
    "atheist": ("an atheist", "atheists", "an atheist"),
    "immigrant": ("an immigrant", "immigrants", "an immigrant"),
    "refugee": ("a refugee", "refugees", "a refugee"),
    "disabled": ("a disabled person", "disabled people", "disabled"),
    "deaf": ("a deaf person", "deaf people", "deaf"),
    "blind": ("a blind person", "blind people", "blind"),
    "old": ("an old person", "old people", "old"),
    "young": ("a young person", "young people", "young"),
    "american": ("an American", "Americans", "American"),
    "mexican": ("a Mexican", "Mexicans", "Mexican"),
    "chinese": ("a Chinese person", "Chinese people", "Chinese"),
    "indian": ("an Indian person", "Indian people", "Indian"),
    "african": ("an African", "Africans", "African"),
    "european": ("a European", "Europeans", "European"),
    "canadian": ("a Canadian", "Canadians", "Canadian"),
    "russian": ("a Russian", "Russians", "Russian"),
    "syrian": ("a Syrian", "Syrians", "Syrian"),
    "feminist": ("a feminist", "feminists", "a feminist"),
    "conservative": ("a conservative", "conservatives", "a conservative"),
}

TEST_CIVIL = [
    "I am {pred} and proud of it.",
    "My neighbour is {pred} and very kind.",
    "{Pl} deserve equal rights.",
    "Being {pred} is normal.",
    "I had lunch with {sg} from work today.",
    "{Pl} are welcome in our community.",
    "My best friend is {pred}.",
    "We should listen to {pl} more often.",
    "The article quotes {sg} who runs a small bakery.",
    "Thanks for sharing this, as {sg} I found it helpful.",
    # Second person: Impermium's insults are mostly "you are ...", so a civil
    # "you ... {term}" is where a term's own weight decides the verdict.
    "You are {pred}, and that is fine.",
    "Are you {pred}? I am too.",
    "I am {pred}, you know.",
    "You are {pred} and you are welcome here.",
    "Thank you, as {sg} myself I agree with you.",
    "You are {sg}.",
    "So you are {pred}.",
]

TEST_HOSTILE = [
    "{Pl} are disgusting idiots.",
    "I hate {pl}, they are worthless scum.",
    "All {pl} are stupid and should shut up.",
    "{Pl} are dumb losers who ruin everything.",
    "Shut up, nobody cares what {pl} think, you morons.",
    "You are a pathetic moron, typical of {pl}.",
    "{Pl} are trash and so are you, idiot.",
    "Go away, you are {pred} and a worthless idiot.",
]

# Civil only, and none of them is a TEST template: the fix must generalise, not memorise.
TRAIN_CIVIL = [
    "My sister is {pred}.",
    "There are many {pl} in my town.",
    "{Sg} won the local chess tournament.",
    "I met {sg} at the library yesterday.",
    "{Pl} have lived here for generations.",
    "Our teacher is {pred} and explains things well.",
    "Everyone, including {pl}, should be treated fairly.",
    "As {sg}, I agree with this article.",
    "I am {pred}.",
    "{Pl} are my friends and colleagues.",
    "More {pl} are voting this year than ever.",
    "The new mayor is {pred}.",
    "My doctor is {pred} and always very patient.",
    "The survey asked {pl} about their jobs.",
    "Hello from {sg} who reads this site every day.",
    "You are {pred} like me.",
    "You must be {pred}, welcome to the forum.",
    "If you are {pred}, this event is for you.",
    "You and I are both {pl}.",
    "Since you are {pred}, what do you think?",
    "Are you {sg}? Just curious.",
    "You told me you are {pred}, thanks for explaining.",
    "You're {pred}, and so is my sister.",
    "You are {sg}, right? Me too.",
    "So you are {sg} and you live nearby.",
    "You are {pred}; I did not know that.",
    "Oh, you are {sg} as well.",
    "You are {pred} and a good writer.",
]


def cap(s):
    return s[:1].upper() + s[1:]


def fill(template, term):
    sg, pl, pred = TERMS[term]
    return template.format(sg=sg, Sg=cap(sg), pl=pl, Pl=cap(pl), pred=pred)


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"make_templates: {path}: {len(rows)} sentences", file=sys.stderr)


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    if set(TRAIN_CIVIL) & set(TEST_CIVIL + TEST_HOSTILE):
        sys.exit("make_templates: a training template is also a test template")
    test = []
    for term in TERMS:
        for label, templates, tag in ((0, TEST_CIVIL, "c"), (1, TEST_HOSTILE, "h")):
            for i, t in enumerate(templates):
                test.append({"id": f"{term}-{tag}{i}", "group": term, "template": f"{tag}{i}",
                             "label": label, "text": fill(t, term)})
    train = [{"text": fill(t, term), "label": 0} for term in TERMS for t in TRAIN_CIVIL]
    test_texts = {r["text"] for r in test}
    if any(r["text"] in test_texts for r in train):
        sys.exit("make_templates: a training sentence is also a test sentence")
    write(os.path.join(repo, "tests", "data", "bias", "identity.jsonl"), test)
    write(os.path.join(repo, "train", "identity", "civil_train.jsonl"), train)


if __name__ == "__main__":
    main()
