"""modscore-dask: score JSON Lines archives on a Dask cluster.

Each input file is cut into partitions of whole lines (--partition-bytes),
each partition is scored on a worker through the binding (one Scorer per
worker thread, models loaded once), and the records are written to
OUT/NAME (NAME: the input's file name) in input order: the bytes
`modscore score --output jsonl FILE` writes. A partition that fails is
submitted again (--retries); an output is written beside its final name
and renamed when whole, so it never appears half-written. A file that is
not JSON Lines (a JSON document, a captured page) is one partition.

The partitions are sent from here to the workers, so they need no shared
file system, only the models (--models: a directory on every worker;
default: the shipped models of each worker's installation).

JSON Lines lines are scored as the command scores a stream, with two
limits that a split stream has (as with Hadoop Streaming): a comment
without an "id" gets its line number in the file (as the command gives
it), but an "article_id" must name an article line in the same partition.
"""
import argparse
import collections
import os
import sys
import tempfile
import threading
import time
import warnings

EXIT_USAGE, EXIT_DATAERR, EXIT_NOINPUT, EXIT_SOFTWARE, EXIT_IOERR = 64, 65, 66, 70, 74

_local = threading.local()


def _scorer(options):
    """This worker thread's Scorer for options (models, policy, thresholds,
    reasons), made on first use and kept: a Scorer is one thread's."""
    import modscore
    cache = getattr(_local, "scorers", None)
    if cache is None:
        cache = _local.scorers = {}
    s = cache.get(options)
    if s is None:
        models, policy, thresholds, reasons = options
        s = cache[options] = modscore.Scorer(models, policy, list(thresholds), reasons)
    return s


def _fault_hook(d, key):
    """Tests only: with $MODSCORE_DASK_FAIL_FIRST naming a directory (seen
    by modscore-dask, passed on to the workers), the first attempt at each
    partition fails after scoring it, so that the retry is exercised."""
    if not d:
        return
    marker = os.path.join(d, key.replace("/", "_"))
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.close(fd)
    raise RuntimeError("MODSCORE_DASK_FAIL_FIRST: partition %s fails once" % key)


def score_partition(data, first_line, source, is_jsonl, options, key, fault_dir=None):
    """Runs on a worker: the records of one partition as bytes (one line
    each) and how many of them are error records."""
    s = _scorer(options)
    if is_jsonl:
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        recs = list(s.score_many(lines, errors="record", raw=True, first_line=first_line,
                                 source=source))
    else:
        recs = s.score_document(data, source=source, raw=True)
    errors = sum(1 for r in recs if r.startswith(b'{"line":'))
    _fault_hook(fault_dir, key)
    return b"".join(r + b"\n" for r in recs), len(recs), errors


def partitions(path, size):
    """(bytes, first line number) of whole-line pieces of about size bytes;
    the last may lack its final newline."""
    line = 1
    with open(path, "rb") as f:
        rest = b""
        while True:
            chunk = f.read(size)
            if not chunk:
                break
            buf = rest + chunk
            cut = buf.rfind(b"\n") + 1
            if cut == 0:
                rest = buf
                continue
            part, rest = buf[:cut], buf[cut:]
            yield part, line
            line += part.count(b"\n")
        if rest:
            yield rest, line


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _is_jsonl(path):
    import modscore._capi as capi
    with open(path, "rb") as f:
        head = f.read(65536)
    return capi.lib.ms_format_detect(head, len(head)) == capi.MS_FORMAT_JSONL


class _Output:
    """OUT/NAME written through a temporary beside it, renamed when whole."""

    def __init__(self, path):
        self.path = path
        fd, self.tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".",
                                        dir=os.path.dirname(path) or ".")
        self.f = os.fdopen(fd, "wb")

    def commit(self):
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        os.chmod(self.tmp, 0o644 & ~_umask())
        os.rename(self.tmp, self.path)

    def abort(self):
        self.f.close()
        os.unlink(self.tmp)


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


def _parse_args(argv):
    p = argparse.ArgumentParser(
        prog="modscore-dask",
        description="Score JSON Lines files on a Dask cluster: one output file per input, "
                    "OUT/NAME, the bytes `modscore score --output jsonl` writes.")
    p.add_argument("--scheduler", required=True, metavar="ADDRESS",
                   help="the Dask scheduler, e.g. tcp://10.0.0.1:8786")
    p.add_argument("--out", required=True, metavar="DIR", help="directory for the outputs")
    p.add_argument("--models", metavar="DIR", help="models directory on the workers")
    p.add_argument("--policy", metavar="FILE", help="policy file on the workers")
    p.add_argument("--threshold", action="append", default=[], metavar="SPEC",
                   help="override a threshold (hostility=0.8), as modscore score")
    p.add_argument("--reasons", choices=("flagged", "all"), default="flagged")
    p.add_argument("--partition-bytes", type=int, default=2 << 20, metavar="N",
                   help="bytes of input per partition (default 2 MiB)")
    p.add_argument("--retries", type=int, default=3, metavar="N",
                   help="times a failed partition is tried again (default 3)")
    p.add_argument("--in-flight", type=int, default=0, metavar="N",
                   help="partitions submitted ahead of the one being written "
                        "(default: 2 per worker thread, at least 4)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    p.add_argument("files", nargs="+", metavar="FILE")
    a = p.parse_args(argv)
    if a.partition_bytes < 1:
        p.error("--partition-bytes must be positive")
    return a


def _check_inputs(a):
    names = set()
    for path in a.files:
        if not os.path.isfile(path):
            return "%s: no such file" % path, EXIT_NOINPUT
        name = os.path.basename(path)
        if name in names:
            return "two inputs are named %s: their outputs would collide" % name, EXIT_USAGE
        names.add(name)
    if not os.path.isdir(a.out):
        return "--out %s: not a directory" % a.out, EXIT_NOINPUT
    return None, 0


def _run(client, a, options):
    """Scores every file; returns (comments, error records)."""
    nthreads = sum(client.nthreads().values())
    window = a.in_flight or max(4, 2 * nthreads)
    faults = os.environ.get("MODSCORE_DASK_FAIL_FIRST")
    total = errors = 0
    for path in a.files:
        out = _Output(os.path.join(a.out, os.path.basename(path)))
        try:
            jsonl = _is_jsonl(path)
            pending = collections.deque()
            pieces = partitions(path, a.partition_bytes) if jsonl else [(_read(path), 1)]
            for i, (data, first) in enumerate(pieces):
                key = "%s-%d" % (os.path.basename(path), i)
                pending.append(client.submit(score_partition, data, first, path, jsonl, options,
                                             key, faults, retries=a.retries, pure=False))
                while len(pending) >= window:
                    total, errors = _write(out, pending.popleft(), total, errors)
            while pending:
                total, errors = _write(out, pending.popleft(), total, errors)
            out.commit()
        except BaseException:
            out.abort()
            raise
    return total, errors


def _write(out, future, total, errors):
    data, n, bad = future.result()
    future.release()
    out.f.write(data)
    return total + n - bad, errors + bad


def main(argv=None):
    a = _parse_args(sys.argv[1:] if argv is None else argv)
    msg, rc = _check_inputs(a)
    if msg:
        print("modscore-dask: " + msg, file=sys.stderr)
        return rc
    try:
        from distributed import Client
    except ImportError:
        print("modscore-dask: Dask is not installed (Debian: apt-get install python3-distributed)",
              file=sys.stderr)
        return EXIT_SOFTWARE
    options = (a.models and os.path.abspath(a.models), a.policy and os.path.abspath(a.policy),
               tuple(a.threshold), a.reasons)
    # The partitions travel inside the task graph, through the scheduler,
    # rather than scattered to a worker: a partition then outlives the
    # worker that failed on it, and is there for its retry. Dask warns about
    # every graph that holds more than 1 MB; that is meant here.
    warnings.filterwarnings("ignore", message="Large object of size")
    started = time.monotonic()
    try:
        with Client(a.scheduler, timeout=30) as client:
            total, errors = _run(client, a, options)
    except OSError as e:
        print("modscore-dask: %s" % e, file=sys.stderr)
        return EXIT_IOERR
    except Exception as e:  # a partition failed on every try, or the cluster
        print("modscore-dask: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return EXIT_SOFTWARE
    took = time.monotonic() - started
    if not a.quiet:
        print("modscore-dask: scored %d comments in %.2f s (%.0f/s); %d bad lines"
              % (total, took, total / took if took > 0 else 0, errors), file=sys.stderr)
    return EXIT_DATAERR if errors else 0
