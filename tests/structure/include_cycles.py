#!/usr/bin/env python3
"""include_cycles.py SRC... [--objects LIB.a] - fails when modules include
each other in a circle (issue 25). A module is a .c file and its header of the same name
(scorer.c with scorer.h), with its internal header, named for it with
_priv or _int (spans_priv.h is the spans module's); any other header
without a .c file is a module of its own. Module A depends on B when a file of A includes B's
header ("b.h", quoted includes only: system headers are not ours). Every
cycle of that graph is printed with the include lines that make it, and
the exit status is 1; 0 when the modules form layers.

A cycle of calls can hide behind one-way includes (the scorer and the spans
once called each other through declarations in one header), so with
--objects the static library's objects are checked too: object A depends on
B when A uses a symbol B defines (nm), and a cycle of objects fails the same
way. Every run first checks both detectors on made-up inputs (--self-test:
only that)."""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
INTERNAL = re.compile(r"_(priv|int)$")


def module_of(name):
    """The module a file or header name belongs to: spans_priv.h -> spans."""
    return INTERNAL.sub("", os.path.splitext(os.path.basename(name))[0])


def modules(roots):
    """{module: [(file, line, included header basename)]}"""
    mods = {}
    for root in roots:
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, f)
                mod = module_of(f)
                deps = mods.setdefault(mod, [])
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                for m in INCLUDE.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    deps.append((path, line, os.path.basename(m.group(1))))
    return mods


def cycles(mods):
    """The strongly connected components with more than one module (or a
    module that includes itself), each with the edges inside it."""
    graph = {}
    for mod, deps in mods.items():
        graph[mod] = {}
        for path, line, header in deps:
            dep = module_of(header)
            if dep in mods and dep != mod:
                graph[mod].setdefault(dep, (path, line, header))
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):  # Tarjan's algorithm (the graphs here are small)
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return [(comp, [(a, b, graph[a][b]) for a in comp for b in sorted(graph[a]) if b in comp])
            for comp in out]


NM_LINE = re.compile(r"^(?:[^:]*:)?([^:]+)\.o:\s*[0-9a-fA-F]*\s+([A-Za-z])\s+(\S+)$")


def objects(nm_output):
    """{object: [("nm", 0, symbol it uses that another object defines)]},
    from `nm -A LIB.a`, shaped as modules() so that cycles() reads it."""
    defined, used = {}, {}
    for line in nm_output.splitlines():
        m = NM_LINE.match(line.strip())
        if not m:
            continue
        obj, kind, sym = m.groups()
        obj = os.path.splitext(obj)[0]  # scorer.c.o -> scorer
        used.setdefault(obj, [])
        if kind in "TDRBCGSV":
            defined[sym] = obj
        elif kind == "U":
            used[obj].append(sym)
    return {obj: [("nm", 0, defined[s] + ".h (" + s + ")") for s in syms
                  if s in defined and defined[s] != obj]
            for obj, syms in used.items()}


def report(found, what):
    for comp, edges in found:
        print("%s cycle among: %s" % (what, ", ".join(comp)))
        for a, b, (path, line, header) in edges:
            if line:
                print("  %s:%d: %s includes %s" % (path, line, a, header))
            else:
                print("  %s uses %s" % (a, header.split(" ", 1)[1]))


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        def write(name, *includes):
            with open(os.path.join(d, name), "w") as f:
                f.write("".join('#include "%s"\n' % i for i in includes) + "#include <stdio.h>\n")
        write("a.h"), write("a.c", "a.h", "b.h")
        write("b.h"), write("b.c", "b.h", "b_priv.h", "c.h"), write("b_priv.h", "b.h")
        write("c.h", "util.h"), write("util.h"), write("util.c", "util.h")
        assert cycles(modules([d])) == [], "a layered tree taken for a cycle"
        write("util.c", "util.h", "a.h")  # util -> a -> b -> c -> util
        found = cycles(modules([d]))
        assert [c for c, _ in found] == [["a", "b", "c", "util"]], found
    nm = ("lib.a:scorer.c.o:                 U ms_spans_find\n"
          "lib.a:scorer.c.o: 0000000000000010 T ms_score\n"
          "lib.a:spans.c.o: 0000000000000000 T ms_spans_find\n"
          "lib.a:util.c.o: 0000000000000000 T ms_grow\n")
    assert cycles(objects(nm)) == [], "a layered library taken for a cycle"
    found = cycles(objects(nm + "lib.a:spans.c.o:                 U ms_score\n"))
    assert [c for c, _ in found] == [["scorer", "spans"]], found
    print("include_cycles: self-test ok")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    args, lib = argv[1:], None
    if "--objects" in args:
        k = args.index("--objects")
        if k + 1 >= len(args):
            print(__doc__)
            return 64
        lib = args[k + 1]
        del args[k:k + 2]
    if not args:
        print(__doc__)
        return 64
    self_test()  # a detector that finds nothing must still find a cycle
    mods = modules(args)
    found = cycles(mods)
    report(found, "include")
    said = "include_cycles: %d modules, %s" % (len(mods), "cycles" if found else "no cycle")
    if lib:
        nm = subprocess.run(["nm", "-A", lib], capture_output=True, text=True)
        if nm.returncode != 0:
            print("nm %s: %s" % (lib, nm.stderr.strip()))
            return 1
        objs = objects(nm.stdout)
        calls = cycles(objs)
        report(calls, "call")
        found = found or calls
        said += "; %d objects, %s" % (len(objs), "cycles" if calls else "no call cycle")
    print(said)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
