#!/usr/bin/python3
"""test_binding.py MODSCORE SOURCE_DIR - the Python binding (python/modscore)
against the command: the same records byte for byte on the example page, a
JSON document and a synthetic stream of a few thousand comments (with bad
lines); score() as the command scores the same line; bad input raises with
the library's status; one thread per Scorer; close() frees. Run with
Debian's python3 and PYTHONPATH naming the build's python/ directory."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest

import modscore

CLI, SRC = sys.argv[1], sys.argv[2]
MODELS = os.path.join(SRC, "models")
MS_ERR_NOT_FOUND, MS_ERR_PARSE, MS_ERR_LIMIT, MS_ERR_POLICY = 4, 5, 6, 8


def cli_score(path, *extra):
    """What `modscore score --output jsonl --jobs 1` writes for path."""
    p = subprocess.run([CLI, "score", "--output", "jsonl", "--jobs", "1", "--quiet",
                        "--models", MODELS, *extra, path], stdout=subprocess.PIPE)
    assert p.returncode in (0, 65), "modscore score exited %d" % p.returncode
    return p.stdout


class Binding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = modscore.Scorer(MODELS)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.stream = os.path.join(cls.tmp.name, "stream.jsonl")
        with open(cls.stream, "wb") as f:
            subprocess.run([sys.executable, os.path.join(SRC, "tests/scaling/make_stream.py"),
                            "3000", "24", "--bad"], stdout=f, check=True)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()
        cls.tmp.cleanup()

    def test_example_page_identical(self):
        path = os.path.join(SRC, "examples", "sputnik-syria-ceasefire.txt")
        with open(path, "rb") as f:
            recs = self.s.score_document(f.read(), raw=True, source=path)
        self.assertGreater(len(recs), 5)
        self.assertEqual(b"".join(r + b"\n" for r in recs), cli_score(path))

    def test_json_document_identical(self):
        path = os.path.join(SRC, "tests/data/e2e/discussion.json")
        with open(path, "rb") as f:
            data = f.read()
        want = cli_score(path)
        self.assertEqual(b"".join(r + b"\n" for r in self.s.score_document(data, raw=True)), want)
        # as dicts, the same records
        self.assertEqual(self.s.score_document(data),
                         [json.loads(x) for x in want.splitlines()])

    def test_stream_identical(self):
        want = cli_score(self.stream, "--format", "jsonl")
        self.assertEqual(want.count(b"\n"), 3000)
        self.assertIn(b'{"line":', want)  # the fixture's bad lines
        with open(self.stream, "rb") as f:
            got = b"".join(r + b"\n" for r in self.s.score_many(f, errors="record", raw=True))
        self.assertEqual(got, want)
        with open(self.stream, "rb") as f:
            dicts = list(self.s.score_many(f, errors="record"))
        self.assertEqual(dicts, [json.loads(x) for x in want.splitlines()])

    def test_partitions_with_first_line(self):
        with open(self.stream, "rb") as f:
            lines = f.read().splitlines()
        whole = list(self.s.score_many(lines, errors="record", raw=True))
        # parts of the stream: ids made up from line numbers stay the same
        parts = []
        for start in range(0, len(lines), 700):
            parts += self.s.score_many(lines[start:start + 700], errors="record", raw=True,
                                       first_line=start + 1)
        self.assertEqual(len(parts), len(whole))
        mismatched = [i for i, (a, b) in enumerate(zip(parts, whole)) if a != b]
        # only "article_id" naming an article line of an earlier part differs
        for i in mismatched:
            self.assertIn(b"article_id", parts[i], parts[i])

    def test_score_is_the_commands_record(self):
        cases = [
            dict(text="you are a pathetic idiot", id="c1"),
            dict(text="Thanks, point two was great.", id=7, author="ann",
                 article={"id": "a1", "title": "Bike lanes",
                          "body": "The council voted for bike lanes.", "tags": ["transport"]},
                 parent="What do you think?"),
            dict(text=b"bad bytes \xff\xfe here, you moron", id="c3"),
            dict(text="caf\u00e9 \u2028 \"quoted\" \\ \t tab", id="c4"),
        ]
        path = os.path.join(self.tmp.name, "cases.jsonl")
        with open(path, "wb") as f:
            for c in cases:
                o = {"id": c["id"]}
                if "author" in c:
                    o["author"] = c["author"]
                t = c["text"]
                o["text"] = t.decode("utf-8", "surrogateescape") if isinstance(t, bytes) else t
                if "article" in c:
                    o["article"] = c["article"]
                if "parent" in c:
                    o["parent_text"] = c["parent"]
                f.write(json.dumps(o, ensure_ascii=False).encode("utf-8", "surrogateescape")
                        + b"\n")
        want = [json.loads(x) for x in cli_score(path).splitlines()]
        got = [self.s.score(**c) for c in cases]
        self.assertEqual(got, want)
        self.assertIn("invalid_utf8", got[2].get("notes", []))
        self.assertEqual(got[0]["action"], "reject")
        # without an id the record has none, as `modscore check` prints it
        r = self.s.score("you are a pathetic idiot")
        self.assertNotIn("id", r)
        self.assertEqual(r["scores"], got[0]["scores"])

    def test_bad_input_raises(self):
        with self.assertRaises(modscore.ModscoreError) as cm:
            list(self.s.score_many(['{"id":"1","text":"fine"}', '{"id": "2", "text": ']))
        e = cm.exception
        self.assertEqual((e.status, e.line), (MS_ERR_PARSE, 2))
        self.assertTrue(e.message)
        self.assertEqual(e.name, "malformed input data")
        with self.assertRaises(modscore.ModscoreError) as cm:
            list(self.s.score_many(['{"id":"1"}']))
        self.assertIn("text", cm.exception.message)
        with self.assertRaises(modscore.ModscoreError) as cm:
            list(self.s.score_many([b'{"text":"' + b"a" * (1024 * 1024) + b'"}']))
        self.assertEqual(cm.exception.status, MS_ERR_LIMIT)
        with self.assertRaises(modscore.ModscoreError) as cm:
            list(self.s.score_many(['{"text":"a","article_id":"nowhere"}']))
        self.assertEqual(cm.exception.status, MS_ERR_PARSE)
        with self.assertRaises(TypeError):
            self.s.score(42)
        with self.assertRaises(TypeError):
            self.s.score("x", article="not a dict")
        with self.assertRaises(ValueError):
            list(self.s.score_many([], errors="ignore"))
        # the scorer is still usable after each
        self.assertEqual(self.s.score("hello there", id="ok")["id"], "ok")

    def test_bad_models_and_policy_raise(self):
        with self.assertRaises(modscore.ModscoreError) as cm:
            modscore.Scorer(os.path.join(self.tmp.name, "no-such-models"))
        self.assertEqual(cm.exception.status, MS_ERR_NOT_FOUND)
        bad = os.path.join(self.tmp.name, "policy.json")
        with open(bad, "w") as f:
            f.write('{"thresholds": {"hostility": {"review": "high"}}}')
        with self.assertRaises(modscore.ModscoreError) as cm:
            modscore.Scorer(MODELS, policy=bad)
        self.assertEqual(cm.exception.status, MS_ERR_POLICY)
        with self.assertRaises(modscore.ModscoreError):
            modscore.Scorer(MODELS, thresholds=["hostility=lots"])

    def test_thresholds_as_the_command(self):
        with modscore.Scorer(MODELS, thresholds=["hostility.reject=0.999", "hostility=0.99"]) as s:
            recs = list(s.score_many(open(self.stream, "rb"), errors="record", raw=True))
        want = cli_score(self.stream, "--format", "jsonl", "--threshold", "hostility.reject=0.999",
                         "--threshold", "hostility=0.99")
        self.assertEqual(b"".join(r + b"\n" for r in recs), want)

    def test_streams_lazily(self):
        consumed = []

        def lines():
            for i in range(100):
                consumed.append(i)
                yield '{"text":"comment %d"}' % i
        it = self.s.score_many(lines())
        first = next(it)
        self.assertEqual(first["id"], "1")
        self.assertEqual(len(consumed), 1)
        it.close()

    def test_one_thread_at_a_time(self):
        s = modscore.Scorer(MODELS)
        s._busy.acquire()  # as if another thread were inside a call
        try:
            box = []
            t = threading.Thread(target=lambda: box.append(self._try(s)))
            t.start()
            t.join()
            self.assertIsInstance(box[0], RuntimeError)
        finally:
            s._busy.release()
        # one Scorer per thread works
        out = {}
        def work(n):
            with modscore.Scorer(MODELS) as mine:
                out[n] = mine.score("you idiot", id=str(n))["scores"]
        ts = [threading.Thread(target=work, args=(n,)) for n in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(out[0], out[1])
        s.close()

    @staticmethod
    def _try(s):
        try:
            s.score("x")
        except Exception as e:
            return e
        return None

    def test_close(self):
        s = modscore.Scorer(MODELS)
        s.close()
        s.close()
        with self.assertRaises(ValueError):
            s.score("x")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
