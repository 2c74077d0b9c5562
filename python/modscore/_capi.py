"""libmodscore's C interface, declared for ctypes (include/modscore.h).

Only what the binding calls is declared. Structures mirror the header's
field for field; a change to one of them in the header must be made here.
"""
import ctypes
import os

from . import _paths

c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_size_t = ctypes.c_size_t
c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_long = ctypes.c_long
c_double = ctypes.c_double
POINTER = ctypes.POINTER

MS_FORMAT_AUTO, MS_FORMAT_JSON, MS_FORMAT_JSONL, MS_FORMAT_PAGE = 0, 1, 2, 3
MS_REASONS_FLAGGED, MS_REASONS_ALL = 0, 1
MS_ERR_NOMEM = 1
MS_ERR_ARG = 2
MS_ERR_PARSE = 5


class Error(ctypes.Structure):
    _fields_ = [("code", c_int), ("source", ctypes.c_char * 256), ("line", c_long),
                ("column", c_long), ("message", ctypes.c_char * 256)]


class Article(ctypes.Structure):
    _fields_ = [("id", c_char_p), ("author", c_char_p), ("title", c_char_p),
                ("body", c_char_p), ("tags", POINTER(c_char_p)), ("n_tags", c_size_t)]


class Comment(ctypes.Structure):
    _fields_ = [("id", c_void_p), ("author", c_void_p), ("parent", c_void_p),
                ("reply_to", c_void_p), ("created", c_void_p), ("text", c_void_p),
                ("text_len", c_size_t), ("parent_text", c_void_p),
                ("article", c_void_p), ("line", c_long), ("notes", c_uint),
                ("language", c_void_p)]


class Discussion(ctypes.Structure):
    _fields_ = [("articles", c_void_p), ("n_articles", c_size_t),
                ("comments", POINTER(Comment)), ("n_comments", c_size_t)]


class Input(ctypes.Structure):
    _fields_ = [("text", c_void_p), ("len", c_size_t), ("article", c_void_p),
                ("parent_text", c_void_p), ("parent_len", c_size_t), ("notes", c_uint),
                ("author", c_void_p), ("language", c_char_p)]


class Result(ctypes.Structure):
    # Filled and emptied by the library only (ms_score, ms_result_clear):
    # the binding reads none of its fields, so they are one opaque block,
    # room for ms_result (104 bytes on x86-64) with a margin for growth.
    _fields_ = [("opaque", ctypes.c_byte * 512)]


def _load():
    path = os.environ.get("MODSCORE_LIBRARY") or _paths.LIBRARY
    lib = ctypes.CDLL(path)
    sig = {
        "ms_strerror": (c_char_p, [c_int]),
        "ms_free": (None, [c_void_p]),
        "ms_models_load": (c_int, [c_char_p, POINTER(c_void_p), POINTER(Error)]),
        "ms_models_free": (None, [c_void_p]),
        "ms_policy_load": (c_int, [c_char_p, POINTER(c_void_p), POINTER(Error)]),
        "ms_policy_default": (c_int, [POINTER(c_void_p)]),
        "ms_policy_override": (c_int, [c_void_p, c_char_p, POINTER(Error)]),
        "ms_policy_free": (None, [c_void_p]),
        "ms_scorer_new": (c_int, [c_void_p, c_void_p, POINTER(c_void_p)]),
        "ms_scorer_free": (None, [c_void_p]),
        "ms_scorer_set_reasons": (None, [c_void_p, c_int]),
        "ms_score": (c_int, [c_void_p, POINTER(Input), POINTER(Result)]),
        "ms_result_clear": (None, [POINTER(Result)]),
        "ms_result_json": (c_void_p, [c_void_p, POINTER(Result)]),
        "ms_score_jsonl_line": (c_int, [c_void_p, c_void_p, c_char_p, c_size_t, c_long,
                                        POINTER(c_void_p), POINTER(Error)]),
        "ms_jsonl_reader_new": (c_int, [c_char_p, POINTER(c_void_p)]),
        "ms_jsonl_reader_free": (None, [c_void_p]),
        "ms_format_detect": (c_int, [c_char_p, c_size_t]),
        "ms_discussion_parse": (c_int, [c_char_p, c_size_t, c_int, c_char_p,
                                        POINTER(POINTER(Discussion)), POINTER(Error)]),
        "ms_discussion_free": (None, [POINTER(Discussion)]),
        "ms_discussion_parent": (POINTER(Comment), [POINTER(Discussion), c_size_t]),
    }
    for name, (restype, argtypes) in sig.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


lib = _load()
