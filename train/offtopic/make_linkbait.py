#!/usr/bin/env python3
"""Writes train/offtopic/linkbait.jsonl: link-bait and spam comments under
articles they have nothing to do with (off-topic, label 1), beside on-topic
comments under the same articles (label 0). All text here is our own, so it
is committed. The public off-topic data has almost no link-bait, so without
these the model learns nothing from its link-bait features. Used with
`modscore train --augment` (trained on, never scored in cross-validation).

Usage: train/offtopic/make_linkbait.py [OUT]
"""
import itertools
import json
import os
import sys

ARTICLES = [
    ("City council approves new bike lanes",
     "The council voted 7-2 to add protected bike lanes on Main Street, at a cost of $4 million.",
     ["The protected lanes on Main Street are overdue; cycling there is dangerous.",
      "Four million for a few blocks of bike lanes seems expensive to me.",
      "Why did two councillors vote against the lanes? The article does not say."]),
    ("Hospital waiting times grow for a third year",
     "Patients waited a median of 21 weeks for surgery, up from 18 weeks, the health ministry said.",
     ["Twenty-one weeks for surgery is unacceptable, the ministry needs more surgeons.",
      "My mother waited longer than that for her hip surgery last year.",
      "Waiting times rose because beds were cut, not because of the pandemic."]),
    ("Central bank holds interest rates at 4.5 percent",
     "The bank kept its key rate unchanged, citing slowing inflation and a weaker housing market.",
     ["Holding rates makes sense while inflation is still coming down.",
      "Homeowners renewing mortgages at 4.5 percent will feel this for years.",
      "The housing market is weaker because rates went up so fast."]),
    ("School board cancels standardized tests",
     "Grade 3 and grade 6 provincial tests will not be written this spring, the board announced.",
     ["Cancelling the grade 6 tests means parents lose a way to compare schools.",
      "Teachers spend weeks preparing for these tests, so this frees up class time.",
      "Will the tests come back next spring or are they gone for good?"]),
    ("Wildfire forces evacuation of northern town",
     "About 3,000 residents left their homes as the fire moved within 10 kilometres of the town.",
     ["Thinking of the 3,000 people who had to leave their homes tonight.",
      "The evacuation was well organised, the buses left on time.",
      "Fire crews need more planes, ten kilometres is far too close."]),
    ("Transit fares to rise by 25 cents",
     "Adult fares will go up to $3.50 in January to cover higher fuel and labour costs.",
     ["Another fare increase while service keeps getting worse.",
      "Twenty-five cents is small compared with the cost of parking downtown.",
      "Fuel costs went down this year, so why raise the fares now?"]),
    ("Province unveils plan for 50,000 new homes",
     "The housing plan relies on faster permits and rezoning land near transit stations.",
     ["Faster permits are the right idea, approvals take years here.",
      "Fifty thousand homes will not be enough for the people moving to the province.",
      "Building near transit stations is smart planning."]),
    ("Local team wins championship in overtime",
     "A goal two minutes into overtime gave the home team its first title in 30 years.",
     ["What a finish, that overtime goal was worth waiting thirty years for.",
      "The goalie deserved the win as much as the scorer.",
      "First championship since I was a kid, the whole town is celebrating."]),
    ("Minimum wage increase takes effect",
     "The minimum wage rose to $17.20 an hour on Monday, the third increase in two years.",
     ["Seventeen dollars an hour still does not pay rent in this city.",
      "Small businesses will raise prices to cover the higher wage.",
      "Three increases in two years is a lot for restaurants to absorb."]),
    ("Ceasefire talks resume in Geneva",
     "Negotiators from both sides returned to the table after a two-week pause, officials said.",
     ["Good that the talks resumed, the two-week pause cost lives.",
      "Previous ceasefires collapsed within days, so I am not optimistic.",
      "Who is mediating the Geneva talks this time?"]),
]

LINKBAIT = [
    "Watch here: {url}",
    "Watch here, they don't want you to see this: {url}",
    "Check out my channel for the real story {url}",
    "Check out my blog, I post every day: {url}",
    "Click here to win a free phone {url}",
    "Click the link in my profile for free gift cards",
    "I earn {n} dollars a day working from home, visit {url}",
    "Earn ${n} per hour online! No experience needed {url}",
    "Work from home and make ${n} a week, ask me how",
    "Subscribe to my channel, link in bio",
    "Follow me for more daily tips {url}",
    "Buy now, 70% off designer bags at {url}",
    "Hot singles in your area {url}",
    "Lose 10 kg in a week with this one trick {url}",
    "My cousin made ${n} last month on crypto, check out {url}",
    "Visit my page for cheap watches {url}",
    "Free followers and likes, click here {url}",
    "Best casino bonus of the year, sign up at {url}",
]
URLS = ["http://bit.ly/3xYz", "https://www.example-deals.com", "www.cheap-watch.example",
        "https://youtu.be/abc123", "http://free-prize.example/win"]
AMOUNTS = ["500", "7,000", "85", "1,200"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "linkbait.jsonl")
    rows = []
    combos = itertools.cycle(itertools.product(URLS, AMOUNTS))
    for title, body, on_topic in ARTICLES:
        article = {"title": title, "body": body}
        for text in on_topic:
            rows.append({"text": text, "label": 0, "article": article})
        for tpl in LINKBAIT:
            url, n = next(combos)
            rows.append({"text": tpl.format(url=url, n=n), "label": 1, "article": article})
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"make_linkbait: {out}: {len(rows)} examples, {sum(r['label'] for r in rows)} off-topic",
          file=sys.stderr)


if __name__ == "__main__":
    main()
