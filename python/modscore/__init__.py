"""modscore: score comments for hostility, off-topic content and sentiment.

A binding over libmodscore (ctypes: nothing to compile at install). Each
record is the one `modscore score --output jsonl` writes for the same
comment, byte for byte, as a dict (or as the bytes with raw=True)::

    import modscore
    with modscore.Scorer() as s:
        print(s.score("you are an idiot")["action"])

A Scorer holds the models, the policy and one scoring workspace: use it
from one thread at a time (one Scorer per thread; two threads calling one
Scorer at once get a RuntimeError). close() (or the with block, or the
garbage collector) frees everything it holds.
"""
import ctypes
import json
import os
import threading

from . import _capi, _paths
from ._capi import lib

__all__ = ["Scorer", "ModscoreError", "default_models_dir"]
__version__ = "0.1.0"


class ModscoreError(Exception):
    """A libmodscore call failed: status (the ms_status number), name (its
    description, ms_strerror), message (what the library said), and where:
    source, line and column (0 when unknown)."""

    def __init__(self, status, message="", source="", line=0, column=0):
        self.status = int(status)
        self.name = lib.ms_strerror(self.status).decode()
        self.message = message or self.name
        self.source, self.line, self.column = source, line, column
        where = source
        if line:
            where += "%s%d" % (":" if where else "line ", line)
            if column:
                where += ":%d" % column
        super().__init__("%s%s (%s, status %d)" % (where + ": " if where else "", self.message,
                                                   self.name, self.status))

    @classmethod
    def from_error(cls, status, err):
        def text(b):
            return b.decode("utf-8", "replace")
        return cls(status, text(err.message), text(err.source), err.line, err.column)


def default_models_dir():
    """The models a Scorer loads by default: $MODSCORE_MODELS, else the
    shipped models of the installation this binding belongs to."""
    return os.environ.get("MODSCORE_MODELS") or _paths.MODELS


def _take_string(ptr):
    """Bytes of a NUL-terminated string the library returned, then freed."""
    if not ptr:
        raise ModscoreError(_capi.MS_ERR_NOMEM)
    try:
        return ctypes.string_at(ptr)
    finally:
        lib.ms_free(ptr)


def _to_bytes(v, what):
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode("utf-8", "surrogateescape")
    raise TypeError("%s must be str or bytes, not %s" % (what, type(v).__name__))


class Scorer:
    """Models and a policy loaded once, and a workspace to score with.

    models: a models directory (default: default_models_dir()).
    policy: a policy file (default: MODELS/policy.json when there is one,
    else the built-in standards), as `modscore score --policy`.
    thresholds: overrides such as ["hostility=0.8"] (--threshold).
    reasons: "flagged" (default) or "all" (--reasons).
    """

    def __init__(self, models=None, policy=None, thresholds=(), reasons="flagged"):
        self._models = self._policy = self._scorer = None
        self._busy = threading.Lock()
        if reasons not in ("flagged", "all"):
            raise ValueError("reasons must be 'flagged' or 'all', not %r" % (reasons,))
        models = os.fspath(models) if models is not None else default_models_dir()
        err = _capi.Error()
        pol = ctypes.c_void_p()
        if policy is None:
            candidate = os.path.join(models, "policy.json")
            policy = candidate if os.access(candidate, os.R_OK) else None
        if policy is None:
            st = lib.ms_policy_default(ctypes.byref(pol))
        else:
            st = lib.ms_policy_load(os.fsencode(policy), ctypes.byref(pol), ctypes.byref(err))
        self._policy = pol.value
        if st != 0:
            raise ModscoreError.from_error(st, err)
        for spec in ([thresholds] if isinstance(thresholds, str) else thresholds):
            st = lib.ms_policy_override(self._policy, _to_bytes(spec, "threshold"),
                                        ctypes.byref(err))
            if st != 0:
                self.close()
                raise ModscoreError.from_error(st, err)
        m = ctypes.c_void_p()
        st = lib.ms_models_load(os.fsencode(models), ctypes.byref(m), ctypes.byref(err))
        self._models = m.value
        if st != 0:
            self.close()
            raise ModscoreError.from_error(st, err)
        s = ctypes.c_void_p()
        st = lib.ms_scorer_new(self._models, self._policy, ctypes.byref(s))
        self._scorer = s.value
        if st != 0:
            self.close()
            raise ModscoreError(st)
        lib.ms_scorer_set_reasons(self._scorer, _capi.MS_REASONS_ALL if reasons == "all"
                                  else _capi.MS_REASONS_FLAGGED)
        self._result = _capi.Result()
        self._input = _capi.Input()
        self._err = _capi.Error()

    # ------------------------------------------------------------ lifetime
    def close(self):
        """Frees the scorer, models and policy. Idempotent."""
        if self._scorer:
            lib.ms_scorer_free(self._scorer)
        if self._models:
            lib.ms_models_free(self._models)
        if self._policy:
            lib.ms_policy_free(self._policy)
        self._models = self._policy = self._scorer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # at interpreter exit the module's globals may be gone already
        if lib is not None and getattr(self, "_busy", None) is not None:
            self.close()

    def _enter(self):
        if not self._scorer:
            raise ValueError("the Scorer is closed")
        if not self._busy.acquire(blocking=False):
            raise RuntimeError("a Scorer is one thread's: two threads called it at once")

    # ------------------------------------------------------------ scoring
    def _score_comment(self, c, parent_text, parent_len):
        """The record (bytes) of one comment of a discussion (a Comment
        structure), with the input `modscore score` gives it."""
        inp = self._input
        inp.text, inp.len = c.text, c.text_len
        inp.article = c.article
        if c.parent_text:
            parent_text = c.parent_text
            parent_len = len(ctypes.string_at(parent_text))
        inp.parent_text, inp.parent_len = parent_text, parent_len
        inp.notes, inp.author = c.notes, c.author
        inp.language = c.language  # the record's declared "language", or None
        res = ctypes.byref(self._result)
        st = lib.ms_score(self._scorer, ctypes.byref(inp), res)
        if st != 0:
            lib.ms_result_clear(res)
            raise ModscoreError(st, "scoring comment %s failed" %
                                (ctypes.string_at(c.id).decode("utf-8", "replace")
                                 if c.id else "?"))
        try:
            return _take_string(lib.ms_result_json(ctypes.byref(c), res))
        finally:
            lib.ms_result_clear(res)

    def _new_reader(self, source):
        r = ctypes.c_void_p()
        st = lib.ms_jsonl_reader_new(source, ctypes.byref(r))
        if st != 0:
            raise ModscoreError(st)
        return r.value

    def _line(self, reader, line, lineno):
        """(record bytes or None for an article line, ModscoreError or None
        for a line the reader rejects, whose record is then the command's
        error record). Raises for failures that are not the line's."""
        rec = ctypes.c_void_p()
        err = self._err
        st = lib.ms_score_jsonl_line(self._scorer, reader, line, len(line), lineno,
                                     ctypes.byref(rec), ctypes.byref(err))
        if st != 0 and not rec:
            raise ModscoreError.from_error(st, err) if err.code else ModscoreError(st)
        out = _take_string(rec.value) if rec else None
        return out, (ModscoreError.from_error(st, err) if st != 0 else None)

    def score(self, text, article=None, parent=None, id=None, author=None):
        """Scores one comment and returns its record as a dict.

        text: the comment (str, or bytes that may hold invalid UTF-8, which
        is replaced and noted as the command does). article: a dict with
        "title", "body", "tags", "id" (the page it is under). parent: the
        text of the comment it answers. id, author: as in a JSON Lines line.
        The record is the one `modscore score` writes for the JSON Lines line
        {"id":id,"author":author,"text":text,"article":article,
        "parent_text":parent}; without an id it has none (as `modscore check`).
        Raises ModscoreError (its status MS_ERR_PARSE, MS_ERR_LIMIT, ...)
        for input the command would reject, TypeError for arguments of the
        wrong type.
        """
        obj = {}
        if id is not None:
            if not isinstance(id, (str, int)) or isinstance(id, bool):
                raise TypeError("id must be str or int, not %s" % type(id).__name__)
            obj["id"] = id
        if author is not None:
            obj["author"] = author
        obj["text"] = _to_bytes(text, "text").decode("utf-8", "surrogateescape")
        if article is not None:
            if not isinstance(article, dict):
                raise TypeError("article must be a dict (title, body, tags, id)")
            obj["article"] = article
        if parent is not None:
            obj["parent_text"] = _to_bytes(parent, "parent").decode("utf-8", "surrogateescape")
        line = json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogateescape")
        self._enter()
        try:
            reader = self._new_reader(b"<score>")
            try:
                rec, err = self._line(reader, line, 1)
            finally:
                lib.ms_jsonl_reader_free(reader)
        finally:
            self._busy.release()
        if err is not None:
            raise err
        out = json.loads(rec)
        if id is None:
            del out["id"]
        return out

    def score_many(self, lines, errors="raise", raw=False, first_line=1, source="<stream>"):
        """Scores a JSON Lines stream and yields one record per comment, in
        order, as it goes (memory stays flat however long the stream).

        lines: an iterable of JSON Lines lines (str or bytes, with or without
        the newline) or of dicts (one comment each, or {"article":{...}}
        lines that later comments name by "article_id"), as a file for
        `modscore score --format jsonl` holds them. A comment without an
        "id" gets its line number, counted from first_line.
        errors: "raise" (a bad line raises ModscoreError with its line and
        message) or "record" (it yields the command's {"line":N,"error":...}
        record and goes on). raw: yield each record as bytes (no newline),
        the command's exact bytes, instead of a dict.
        """
        if errors not in ("raise", "record"):
            raise ValueError("errors must be 'raise' or 'record', not %r" % (errors,))
        raise_bad = errors == "raise"
        loads = json.loads
        reader = None
        lineno = first_line - 1
        try:
            for item in lines:
                lineno += 1
                if isinstance(item, bytes):
                    line = item
                elif isinstance(item, dict):
                    line = json.dumps(item, ensure_ascii=False).encode()
                else:
                    line = _to_bytes(item, "a line")
                self._enter()
                try:
                    if reader is None:
                        reader = self._new_reader(_to_bytes(source, "source"))
                    rec, err = self._line(reader, line, lineno)
                finally:
                    self._busy.release()
                if err is not None and raise_bad:
                    raise err
                if rec is not None:
                    yield rec if raw else loads(rec)
        finally:
            if reader is not None:
                lib.ms_jsonl_reader_free(reader)

    def score_document(self, data, format="auto", source="<document>", raw=False):
        """Scores a whole discussion held in memory (a JSON document, a
        captured page, or JSON Lines) and returns its records in order, as
        `modscore score --output jsonl` writes them for that file (a comment's
        parent is found as the command finds it). format: "auto", "json",
        "jsonl" or "page". Raises ModscoreError where the command reports the
        whole input bad; in JSON Lines a bad line raises too."""
        formats = {"auto": _capi.MS_FORMAT_AUTO, "json": _capi.MS_FORMAT_JSON,
                   "jsonl": _capi.MS_FORMAT_JSONL, "page": _capi.MS_FORMAT_PAGE}
        if format not in formats:
            raise ValueError("format must be one of %s" % ", ".join(formats))
        data = _to_bytes(data, "data")
        fmt = formats[format]
        if fmt == _capi.MS_FORMAT_AUTO:
            fmt = lib.ms_format_detect(data, len(data))
        if fmt == _capi.MS_FORMAT_JSONL:
            lines = data.split(b"\n")
            if lines and lines[-1] == b"":
                lines.pop()
            return list(self.score_many(lines, raw=raw, source=source))
        dp = ctypes.POINTER(_capi.Discussion)()
        err = _capi.Error()
        self._enter()
        try:
            st = lib.ms_discussion_parse(data, len(data), fmt, _to_bytes(source, "source"),
                                         ctypes.byref(dp), ctypes.byref(err))
            if st != 0:
                raise ModscoreError.from_error(st, err)
            out = []
            try:
                d = dp.contents
                for i in range(d.n_comments):
                    c = d.comments[i]
                    parent = lib.ms_discussion_parent(dp, i)
                    ptext, plen = None, 0
                    if not c.parent_text and parent:
                        ptext, plen = parent.contents.text, parent.contents.text_len
                    out.append(self._score_comment(c, ptext, plen))
            finally:
                lib.ms_discussion_free(dp)
        finally:
            self._busy.release()
        return out if raw else [json.loads(r) for r in out]
