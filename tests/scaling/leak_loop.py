"""leak_loop.py MODELS N - scores N comments (score, score_many, a page)
with Scorers made and closed around them, for leak.sh under valgrind."""
import sys

import modscore

models, n = sys.argv[1], int(sys.argv[2])
page = open(sys.argv[3], "rb").read()
for round in range(2):
    with modscore.Scorer(models) as s:
        for i in range(n):
            s.score("you are an idiot number %d" % i, id=str(i),
                    article={"title": "Bike lanes", "body": "The council voted."},
                    parent="what do you think?")
        lines = ['{"text":"comment %d, thanks"}' % i for i in range(n)] + ['{bad']
        list(s.score_many(lines, errors="record"))
        try:
            list(s.score_many(['{"id":"1"}']))
        except modscore.ModscoreError:
            pass
        s.score_document(page)
    s = modscore.Scorer(models)  # freed by the garbage collector
    s.score("hello")
    del s
