/* cmd_score.c - `modscore score`: discussion files in, a report out. JSON
 * Lines are scored as a stream (one line in, one record out, in order, in
 * bounded memory); documents and captured pages are read whole. */
#define _GNU_SOURCE
#include "cli.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "Usage: modscore score [OPTION]... [FILE]...\n"
    "Score every comment of each discussion FILE (JSON document, JSON Lines or a\n"
    "captured page; detected from its first bytes; '-' or none is stdin).\n"
    "\n"
    "  -f, --format FMT      auto (default), json, jsonl or page\n"
    "  -o, --output FMT      text (default on a terminal), json, jsonl (default\n"
    "                        otherwise), csv or html\n"
    "      --out FILE        write the report to FILE atomically (a temporary file,\n"
    "                        then rename, only when the run succeeds); a device\n"
    "                        or FIFO is written directly; never one of the inputs\n"
    "      --models DIR      model directory (default: the shipped models)\n"
    "      --policy FILE     community standards (default: DIR/policy.json)\n"
    "      --threshold SPEC  override a threshold: hostility=0.8, hostility.reject=0.95\n"
    "      --reasons WHICH   word reasons for 'flagged' comments (default) or for\n"
    "                        'all' (each comment's reason spans, flagged or not)\n"
    "      --categories LIST score only these categories (comma-separated, e.g.\n"
    "                        hostility,insult); the others' models are not read\n"
    "  -j, --jobs N          score JSON Lines (in and out) with N threads (default:\n"
    "                        the number of cores); output order is input order,\n"
    "                        the same bytes whatever N; other formats use one\n"
    "  -q, --quiet           no progress line on stderr\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 all scored; 65 some input was bad (JSON Lines: its lines became\n"
    "{\"line\":N,\"error\":...} records, the rest were scored); 66 a file or the\n"
    "models are missing; 73 --out cannot be created; 74 an input could not be read\n"
    "or the report could not be written.\n";

/* Lines of a stream, the first bytes of which were read ahead to detect its
 * format. Lines longer than MS_MAX_LINE_BYTES are cut (and reported) so
 * memory stays bounded. */
typedef struct line_reader {
    FILE *f;
    const char *head;
    size_t head_len, head_pos;
    char *line;
    size_t len, cap;
    int too_long;
    int eof;
} line_reader;

/* Appends s[0, n) to the line, as much of it as MS_MAX_LINE_BYTES leaves
 * room for (the rest is cut: too_long). -1 when out of memory. */
static int line_add(line_reader *r, const char *s, size_t n)
{
    if (n > MS_MAX_LINE_BYTES - r->len) {
        n = MS_MAX_LINE_BYTES - r->len;
        r->too_long = 1;
    }
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *p = realloc(r->line, cap);
        if (!p)
            return -1;
        r->line = p;
        r->cap = cap;
    }
    if (n)
        memcpy(r->line + r->len, s, n);
    r->len += n;
    return 0;
}

/* The rest of a line from the stream, in chunks: fgets copies up to the
 * newline at once, where getc took a call and a grow check a byte
 * (next_line was 1.9 % of score's cycles). The chunk is filled with 0xFF
 * first, so its last NUL is where fgets stopped even when the line holds
 * NULs. *any is set when a byte was read. -1 when out of memory. */
static int stream_line(line_reader *r, int *any)
{
    char chunk[512];
    for (;;) {
        memset(chunk, 0xFF, sizeof chunk);
        if (!fgets_unlocked(chunk, (int)sizeof chunk, r->f))
            return 0;
        *any = 1;
        const char *end = memrchr(chunk, '\0', sizeof chunk);
        size_t n = end ? (size_t)(end - chunk) : 0;
        int nl = n > 0 && chunk[n - 1] == '\n';
        if (line_add(r, chunk, n - (size_t)nl) != 0)
            return -1;
        if (nl)
            return 0;
    }
}

/* Reads one line without its newline (and CR): from the bytes read ahead,
 * then from the stream. 0 at end of input, 1 with a line, -1 out of
 * memory. */
static int next_line(line_reader *r)
{
    r->len = 0;
    r->too_long = 0;
    int any = 0, ended = 0;
    if (r->head_pos < r->head_len) {
        const char *s = r->head + r->head_pos;
        size_t n = r->head_len - r->head_pos;
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) : n;
        any = 1;
        ended = nl != NULL;
        r->head_pos += ended ? k + 1 : k;
        if (line_add(r, s, k) != 0)
            return -1;
    }
    if (!ended && stream_line(r, &any) != 0)
        return -1;
    if (!any)
        return 0;
    if (r->len && r->line[r->len - 1] == '\r')
        r->len--;
    return 1;
}

typedef struct score_run {
    ms_scorer *scorer;
    ms_reporter *rep;
    int jobs;                 /* > 1: JSON Lines in and out on this many threads */
    const ms_models *models;
    const ms_policy *policy;
    ms_reasons_mode reasons;
    const char *categories; /* --categories, or NULL: all */
    FILE *out;
    size_t scored;
    int progress;
    double last_progress;
    double started;
    size_t yielded;   /* comments and error records produced from the inputs */
    int whole_failed; /* an input failed as a whole, not line by line */
    int read_failed;  /* an input could not be read (reported already) */
} score_run;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void progress(score_run *run, int final)
{
    if (!run->progress)
        return;
    double t = now_s();
    if (!final && t - run->last_progress < 0.5)
        return;
    run->last_progress = t;
    double el = t - run->started;
    fprintf(stderr, "\rmodscore: scored %zu comments (%.0f/s)%s", run->scored,
            el > 0 ? (double)run->scored / el : 0.0, final ? "\n" : "");
}

/* Scores one comment and reports it; returns an exit code (0 ok). */
static int score_one(score_run *run, const ms_comment *c, const ms_input *in)
{
    ms_result r;
    ms_status st = ms_score(run->scorer, in, &r);
    if (st != MS_OK) {
        char what[160];
        snprintf(what, sizeof what, "comment %s", c->id ? c->id : "?");
        return cli_score_failed(run->models, st, what);
    }
    st = ms_reporter_comment(run->rep, c, &r);
    ms_result_clear(&r);
    if (st != MS_OK)
        return cli_exit_code(st);
    run->scored++;
    progress(run, 0);
    return 0;
}

/* Parses the line just read: a comment, NULL with MS_OK for an article
 * line, or an error with its message in err. */
static ms_status parse_line(ms_jsonl_reader *jr, const line_reader *lr, long lineno,
                            ms_comment **c, ms_error *err)
{
    *c = NULL;
    if (!lr->too_long)
        return ms_jsonl_reader_line(jr, lr->line, lr->len, lineno, c, err);
    snprintf(err->message, sizeof err->message, "line longer than %u bytes (MS_MAX_LINE_BYTES)",
             MS_MAX_LINE_BYTES);
    return MS_ERR_LIMIT;
}

static int score_stream(score_run *run, line_reader *lr, const char *name)
{
    ms_jsonl_reader *jr;
    if (ms_jsonl_reader_new(name, &jr) != MS_OK)
        return EXIT_SOFTWARE;
    int rc = 0, got;
    long lineno = 0;
    ms_reporter_begin(run->rep, NULL);
    while (rc != EXIT_IOERR && (got = next_line(lr)) > 0) {
        lineno++;
        ms_error err = {0};
        ms_comment *c;
        ms_status st = parse_line(jr, lr, lineno, &c, &err);
        if (st != MS_OK) {
            if (st == MS_ERR_NOMEM) {
                rc = EXIT_SOFTWARE;
                break;
            }
            run->yielded++;
            if (ms_reporter_error(run->rep, lineno, err.message) != MS_OK)
                rc = EXIT_IOERR;
            else if (!rc)
                rc = EXIT_DATAERR;
            continue;
        }
        if (!c)
            continue; /* an article line */
        run->yielded++;
        ms_input in = {c->text, c->text_len, c->article, c->parent_text,
                       c->parent_text ? strlen(c->parent_text) : 0, c->notes, c->author,
                       c->language};
        int r = score_one(run, c, &in);
        ms_comment_free(c);
        if (r && (r != EXIT_DATAERR || !rc))
            rc = r;
    }
    if (got < 0)
        rc = EXIT_SOFTWARE;
    ms_jsonl_reader_free(jr);
    return rc;
}

/* --jobs N: the JSON Lines stream scored by N threads. This thread reads
 * and parses lines in order (the reader resolves article_id references, so
 * it is sequential) into batches; N workers, each with its own scorer
 * (models and policy are shared read-only), render a batch's records into
 * memory; a worker writes its batch when every earlier batch is written,
 * so the output is the single-threaded output, byte for byte. At most
 * SLOTS_PER_JOB * N batches of at most BATCH_ITEMS lines or BATCH_BYTES
 * bytes are in flight, so memory stays flat whatever the input's length. */
#define BATCH_ITEMS 256
#define BATCH_BYTES (256u * 1024u)
#define SLOTS_PER_JOB 3

typedef struct par_item {
    ms_comment *c;   /* NULL: an error line */
    long lineno;
    char *error;     /* the reader's message for an error line */
} par_item;

typedef struct par_batch {
    par_item items[BATCH_ITEMS];
    size_t n;
} par_batch;

typedef struct par_state {
    score_run *run;
    const ms_models *models;
    const ms_policy *policy;
    ms_reasons_mode reasons;
    FILE *out;
    par_batch *slots;
    size_t n_slots;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_space, cv_turn;
    size_t produced, taken, written; /* batch sequence numbers */
    int eof;
    int rc; /* the run's exit code so far (under mu) */
} par_state;

static void batch_clear(par_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        ms_comment_free(b->items[i].c);
        free(b->items[i].error);
    }
    b->n = 0;
}

/* Scores one batch into memory with a JSON Lines reporter of its own, so
 * the bytes are the single-threaded ones. OUT: *buf, *len (free *buf).
 * Returns an exit code; *scored counts the comments. */
static int render_batch(ms_scorer *scorer, const par_state *ps, par_batch *b, char **buf,
                        size_t *len, size_t *scored)
{
    FILE *mem = open_memstream(buf, len);
    ms_reporter *rep = NULL;
    if (!mem)
        return EXIT_SOFTWARE;
    int rc = ms_reporter_new(MS_OUTPUT_JSONL, mem, ps->policy, &rep) == MS_OK ? 0 : EXIT_SOFTWARE;
    for (size_t i = 0; i < b->n && rc != EXIT_SOFTWARE; i++) {
        par_item *it = &b->items[i];
        if (!it->c) {
            if (ms_reporter_error(rep, it->lineno, it->error) != MS_OK)
                rc = EXIT_SOFTWARE;
            else if (!rc)
                rc = EXIT_DATAERR;
            continue;
        }
        const ms_comment *c = it->c;
        ms_input in = {c->text, c->text_len, c->article, c->parent_text,
                       c->parent_text ? strlen(c->parent_text) : 0, c->notes, c->author,
                       c->language};
        ms_result r;
        ms_status st = ms_score(scorer, &in, &r);
        if (st != MS_OK) {
            char what[160];
            snprintf(what, sizeof what, "comment %s", c->id ? c->id : "?");
            int code = cli_score_failed(ps->models, st, what);
            if (!rc || rc == EXIT_DATAERR)
                rc = code;
            continue;
        }
        if (ms_reporter_comment(rep, c, &r) != MS_OK)
            rc = EXIT_SOFTWARE;
        ms_result_clear(&r);
        (*scored)++;
    }
    ms_reporter_free(rep);
    if (fclose(mem) != 0)
        rc = EXIT_SOFTWARE;
    return rc;
}

static void *par_worker(void *arg)
{
    par_state *ps = arg;
    ms_scorer *scorer = NULL;
    int rc0 = ms_scorer_new(ps->models, ps->policy, &scorer) == MS_OK ? 0 : EXIT_SOFTWARE;
    ms_scorer_set_reasons(scorer, ps->reasons);
    if (!rc0)
        rc0 = cli_set_categories(scorer, ps->models, ps->run->categories);
    for (;;) {
        pthread_mutex_lock(&ps->mu);
        while (ps->taken == ps->produced && !ps->eof)
            pthread_cond_wait(&ps->cv_work, &ps->mu);
        if (ps->taken == ps->produced) {
            pthread_mutex_unlock(&ps->mu);
            break;
        }
        size_t seq = ps->taken++;
        pthread_mutex_unlock(&ps->mu);

        par_batch *b = &ps->slots[seq % ps->n_slots];
        char *out = NULL;
        size_t len = 0, scored = 0;
        int rc = rc0 ? rc0 : render_batch(scorer, ps, b, &out, &len, &scored);
        batch_clear(b);

        /* wait for this batch's turn, then write it */
        pthread_mutex_lock(&ps->mu);
        while (ps->written != seq)
            pthread_cond_wait(&ps->cv_turn, &ps->mu);
        int failed = ps->rc == EXIT_IOERR || ps->rc == EXIT_SOFTWARE;
        pthread_mutex_unlock(&ps->mu);
        if (!failed && len && (fwrite(out, 1, len, ps->out) != len || fflush(ps->out) != 0))
            rc = EXIT_IOERR;
        free(out);
        pthread_mutex_lock(&ps->mu);
        ps->run->scored += scored;
        progress(ps->run, 0);
        if (rc && (!ps->rc || ps->rc == EXIT_DATAERR || rc == EXIT_IOERR))
            ps->rc = rc;
        ps->written++;
        pthread_cond_broadcast(&ps->cv_turn);
        pthread_cond_broadcast(&ps->cv_space);
        pthread_mutex_unlock(&ps->mu);
    }
    ms_scorer_free(scorer);
    return NULL;
}

static int score_stream_parallel(score_run *run, line_reader *lr, const char *name)
{
    ms_jsonl_reader *jr;
    if (ms_jsonl_reader_new(name, &jr) != MS_OK)
        return EXIT_SOFTWARE;
    par_state ps = {0};
    ps.run = run;
    ps.models = run->models;
    ps.reasons = run->reasons;
    ps.policy = run->policy;
    ps.out = run->out;
    ps.n_slots = (size_t)run->jobs * SLOTS_PER_JOB;
    ps.slots = calloc(ps.n_slots, sizeof *ps.slots);
    pthread_t *th = calloc((size_t)run->jobs, sizeof *th);
    if (!ps.slots || !th) {
        free(ps.slots), free(th);
        ms_jsonl_reader_free(jr);
        return EXIT_SOFTWARE;
    }
    pthread_mutex_init(&ps.mu, NULL);
    pthread_cond_init(&ps.cv_work, NULL);
    pthread_cond_init(&ps.cv_space, NULL);
    pthread_cond_init(&ps.cv_turn, NULL);
    int started = 0;
    for (; started < run->jobs; started++)
        if (pthread_create(&th[started], NULL, par_worker, &ps) != 0)
            break;
    int rc = started ? 0 : EXIT_SOFTWARE, got = 1;
    long lineno = 0;
    ms_reporter_begin(run->rep, NULL); /* nothing for JSON Lines; keeps end() balanced */
    while (!rc && got > 0) {
        /* a free slot: the batch that used it last is written */
        pthread_mutex_lock(&ps.mu);
        while (ps.produced - ps.written >= ps.n_slots)
            pthread_cond_wait(&ps.cv_space, &ps.mu);
        int stop = ps.rc == EXIT_IOERR || ps.rc == EXIT_SOFTWARE;
        pthread_mutex_unlock(&ps.mu);
        if (stop)
            break;
        par_batch *b = &ps.slots[ps.produced % ps.n_slots];
        size_t bytes = 0;
        while (b->n < BATCH_ITEMS && bytes < BATCH_BYTES && (got = next_line(lr)) > 0) {
            lineno++;
            ms_error err = {0};
            ms_comment *c;
            ms_status st = parse_line(jr, lr, lineno, &c, &err);
            if (st == MS_ERR_NOMEM) {
                rc = EXIT_SOFTWARE;
                break;
            }
            if (st == MS_OK && !c)
                continue; /* an article line */
            par_item *it = &b->items[b->n++];
            run->yielded++;
            it->c = c;
            it->lineno = lineno;
            it->error = st == MS_OK ? NULL : strdup(err.message);
            if (st != MS_OK && !it->error) {
                rc = EXIT_SOFTWARE;
                break;
            }
            bytes += lr->len;
        }
        if (got < 0)
            rc = EXIT_SOFTWARE;
        if (b->n == 0)
            continue;
        pthread_mutex_lock(&ps.mu);
        ps.produced++;
        pthread_cond_signal(&ps.cv_work);
        pthread_mutex_unlock(&ps.mu);
    }
    pthread_mutex_lock(&ps.mu);
    ps.eof = 1;
    pthread_cond_broadcast(&ps.cv_work);
    pthread_mutex_unlock(&ps.mu);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    /* batches no worker took (none unless every worker failed to start) */
    for (size_t i = 0; i < ps.n_slots; i++)
        batch_clear(&ps.slots[i]);
    if (ps.rc && (!rc || rc == EXIT_DATAERR))
        rc = ps.rc;
    pthread_cond_destroy(&ps.cv_turn);
    pthread_cond_destroy(&ps.cv_space);
    pthread_cond_destroy(&ps.cv_work);
    pthread_mutex_destroy(&ps.mu);
    free(ps.slots);
    free(th);
    ms_jsonl_reader_free(jr);
    return rc;
}

static int score_document(score_run *run, const ms_discussion *d)
{
    int rc = 0;
    ms_reporter_begin(run->rep, d->n_articles ? d->articles[0] : NULL);
    for (size_t i = 0; i < d->n_comments && rc == 0; i++) {
        ms_input in = cli_comment_input(d, i);
        rc = score_one(run, &d->comments[i], &in);
    }
    return rc;
}

/* Reads the rest of f after the n bytes already in *head (of *cap): the
 * whole document, up to one byte past MS_MAX_DOCUMENT_BYTES (too much is
 * an error, never a silently shortened document). OUT: *len. -1 when out
 * of memory; a read error is left in ferror(f). */
static int read_rest(FILE *f, char **head, size_t *cap, size_t n, size_t *len)
{
    *len = n;
    while (n == *cap || !feof(f)) {
        if (*len + 65536 + 1 > *cap) {
            if (*cap >= MS_MAX_DOCUMENT_BYTES) {
                *len += fread(*head + *len, 1, *cap - *len, f);
                if (*len == *cap && getc(f) != EOF)
                    *len = *cap + 1;
                break;
            }
            char *p = realloc(*head, *cap * 2 + 1);
            if (!p)
                return -1;
            *head = p;
            *cap *= 2;
        }
        n = fread(*head + *len, 1, 65536, f);
        *len += n;
        if (n == 0)
            break;
        n = *cap; /* keep going until fread says end */
    }
    return 0;
}

static int score_whole(score_run *run, FILE *f, char **head, size_t cap, size_t n,
                       ms_format format, const char *name)
{
    size_t len;
    if (read_rest(f, head, &cap, n, &len) != 0)
        return EXIT_SOFTWARE;
    if (ferror(f))
        return EXIT_IOERR;
    ms_discussion *d = NULL;
    ms_error err = {0};
    ms_status st;
    if (len > MS_MAX_DOCUMENT_BYTES)
        st = ms_fail(&err, MS_ERR_LIMIT, name, 0, 0,
                     "document larger than %u bytes (MS_MAX_DOCUMENT_BYTES)",
                     MS_MAX_DOCUMENT_BYTES);
    else
        st = ms_discussion_parse(*head, len, format, name, &d, &err);
    int rc;
    if (st != MS_OK) {
        cli_error(&err);
        rc = cli_exit_code(st);
    } else {
        /* an article without comments is a discussion; nothing at all is not */
        if (d->n_comments || (format == MS_FORMAT_JSON && d->n_articles))
            run->yielded++;
        rc = score_document(run, d);
    }
    ms_discussion_free(d);
    return rc;
}

/* What an input that gave no comment looks like, for the error. */
static const char *describe_nothing(const char *head, size_t n, ms_format format)
{
    size_t i = 0;
    if (n == 0)
        return "an empty input";
    if (n >= 2 && ((head[0] == '\xff' && head[1] == '\xfe') || (head[0] == '\xfe' && head[1] == '\xff')))
        return "UTF-16 or UTF-32 text (convert it to UTF-8)";
    if (memchr(head, '\0', n))
        return "binary data or UTF-16 text (NUL bytes)";
    if (!ms_utf8_valid(head, n > 4 && n >= 65536 ? n - 4 : n))
        return "bytes that are not UTF-8 text";
    while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        i++;
    if (i == n)
        return "only blank space";
    return format == MS_FORMAT_JSONL  ? "JSON Lines with no comment line"
           : format == MS_FORMAT_JSON ? "a JSON document with no \"comments\" and no \"article\""
                                      : "text with no comments in it (read as a captured page)";
}

static int score_file(score_run *run, const char *path, ms_format format)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        cli_errorf("%s: %s", path, strerror(errno));
        run->whole_failed = 1;
        return EXIT_NOINPUT;
    }
    /* read ahead to detect the format without needing to seek */
    size_t cap = 65536;
    char *head = malloc(cap + 1);
    if (!head) {
        if (!is_stdin)
            fclose(f);
        return EXIT_SOFTWARE;
    }
    size_t n = fread(head, 1, cap, f);
    head[n] = '\0';
    char look[256];
    size_t nlook = n < sizeof look ? n : sizeof look;
    memcpy(look, head, nlook);
    if (format == MS_FORMAT_AUTO)
        format = ms_format_detect(head, n);
    size_t yielded = run->yielded;
    int rc;
    if (ferror(f)) {
        rc = EXIT_IOERR;
    } else if (format == MS_FORMAT_JSONL) {
        line_reader lr = {f, head, n, 0, NULL, 0, 0, 0, 0};
        rc = run->jobs > 1 ? score_stream_parallel(run, &lr, name)
                           : score_stream(run, &lr, name);
        free(lr.line);
    } else {
        rc = score_whole(run, f, &head, cap, n, format, name);
    }
    free(head);
    if (ferror(f)) {
        /* a directory, a device that fails: never an empty success */
        cli_errorf("%s: read error: %s", name, strerror(errno ? errno : EIO));
        rc = EXIT_IOERR;
        run->read_failed = 1;
    } else if (!rc && run->yielded == yielded) {
        cli_errorf("%s: no comments found: %s", name, describe_nothing(look, nlook, format));
        rc = EXIT_DATAERR;
    }
    if (!is_stdin)
        fclose(f);
    if (rc && (format != MS_FORMAT_JSONL || run->yielded == yielded || run->read_failed))
        run->whole_failed = 1;
    return rc;
}

/* 1 (with the error said) when --out names a file that is one of the
 * inputs (the same device and inode: a hard link or a symlink too, and
 * stdin redirected from it): the report would replace the discussion. */
static int out_is_input(const char *out_path, char **inputs, int n_inputs)
{
    struct stat so, si;
    if (!out_path || stat(out_path, &so) != 0 || !S_ISREG(so.st_mode))
        return 0;
    for (int i = 0; i < (n_inputs ? n_inputs : 1); i++) {
        const char *in = n_inputs ? inputs[i] : "-";
        int is_stdin = strcmp(in, "-") == 0;
        if ((is_stdin ? fstat(STDIN_FILENO, &si) : stat(in, &si)) != 0 || !S_ISREG(si.st_mode))
            continue;
        if (si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            cli_errorf("--out %s is the input %s: the report would replace the discussion; "
                       "write it to another file",
                       out_path, is_stdin ? "on stdin" : in);
            return 1;
        }
    }
    return 0;
}

/* A report stream that is not a terminal (which the reporter flushes after
 * each record) writes in 64 KB blocks, not the 4 KB of a file's default
 * buffer: a write call per ten records was 1.5 % of score's cycles. Before
 * anything is written to it; one stream a run (glibc takes the size only
 * with a buffer, which must outlive the stream). */
static FILE *block_buffered(FILE *f)
{
    static char buf[(size_t)1 << 16];
    if (f && !isatty(fileno(f)))
        setvbuf(f, buf, _IOFBF, sizeof buf);
    return f;
}

/* The report's stream: stdout, or with --out a temporary beside FILE (or
 * FILE itself when it is a device or FIFO). NULL with *rc on failure. */
static FILE *open_output(const char *out_path, ms_outfile *of, int *rc)
{
    if (!out_path)
        return block_buffered(stdout);
    ms_error err = {0};
    ms_status st = ms_outfile_open(of, out_path, &err);
    if (st != MS_OK) {
        cli_error(&err);
        *rc = cli_exit_code(st);
        return NULL;
    }
    int fd = dup(of->fd);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        cli_errorf("%s: %s", out_path, strerror(errno));
        if (fd >= 0)
            close(fd);
        ms_outfile_abort(of);
        *rc = EXIT_IOERR;
    }
    return block_buffered(out);
}

/* Closes the report. With --out, the temporary replaces the old report only
 * when the run succeeded: 0, or 65 where every error was a JSON Lines line
 * that became an error record (the report is whole); a run that failed as a
 * whole (a missing or unreadable input, a bad document, a write error)
 * leaves the old report as it was. Returns the exit code. */
static int finish_output(score_run *run, FILE *out, ms_outfile *of, int rc)
{
    if (out == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout) || (rc == EXIT_IOERR && !run->read_failed)) {
            cli_errorf("writing the report failed: %s", strerror(errno ? errno : EIO));
            rc = EXIT_IOERR;
        }
        return rc;
    }
    int wrote = fclose(out) == 0;
    if (!wrote && rc != EXIT_IOERR) {
        cli_errorf("writing the report failed: %s", strerror(errno ? errno : EIO));
        rc = EXIT_IOERR;
    } else if (rc == EXIT_IOERR && (!wrote || !run->read_failed)) {
        cli_errorf("writing the report failed: %s", strerror(errno ? errno : EIO));
    }
    if (rc == 0 || (rc == EXIT_DATAERR && !run->whole_failed)) {
        ms_error err = {0};
        ms_status st = ms_outfile_commit(of, &err);
        if (st != MS_OK) {
            cli_error(&err);
            rc = cli_exit_code(st);
        }
        return rc;
    }
    if (of->tmp)
        cli_errorf("%s left as it was (the run failed)", of->path);
    ms_outfile_abort(of);
    return rc;
}

static int parse_output(const char *s, ms_output *out)
{
    static const struct { const char *name; ms_output v; } names[] = {
        {"text", MS_OUTPUT_TEXT}, {"json", MS_OUTPUT_JSON}, {"jsonl", MS_OUTPUT_JSONL},
        {"csv", MS_OUTPUT_CSV},   {"html", MS_OUTPUT_HTML},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].v;
            return 0;
        }
    return -1;
}

int cli_parse_format(const char *s, ms_format *out)
{
    static const struct { const char *name; ms_format v; } names[] = {
        {"auto", MS_FORMAT_AUTO}, {"json", MS_FORMAT_JSON}, {"jsonl", MS_FORMAT_JSONL},
        {"page", MS_FORMAT_PAGE},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].v;
            return 0;
        }
    return -1;
}

/* score's command line. */
typedef struct score_args {
    cli_common common;
    ms_format format;
    ms_output output;
    const char *out_path;
    int quiet;
    ms_reasons_mode reasons;
    const char *categories;
    long jobs;
} score_args;

/* Parses score's options into a (optind is left at the first FILE): -1
 * when the run should go on, else the exit code (the error printed). */
static int parse_score_args(int argc, char **argv, score_args *a)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"out", required_argument, NULL, 'O'},    {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {"jobs", required_argument, NULL, 'j'},
        {"reasons", required_argument, NULL, 'R'},
        {"categories", required_argument, NULL, 'C'},
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    a->format = MS_FORMAT_AUTO;
    a->output = isatty(STDOUT_FILENO) ? MS_OUTPUT_TEXT : MS_OUTPUT_JSONL;
    a->reasons = MS_REASONS_FLAGGED;
    a->jobs = cli_processors(1024);
    int opt;
    while ((opt = getopt_long(argc, argv, "f:o:j:qh", longopts, NULL)) != -1) {
        int c = cli_common_option(&a->common, opt, optarg);
        if (c < 0)
            return EXIT_USAGE;
        if (c)
            continue;
        switch (opt) {
        case 'f':
            if (cli_parse_format(optarg, &a->format)) {
                cli_errorf("unknown --format '%s' (auto, json, jsonl, page)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'o':
            if (parse_output(optarg, &a->output)) {
                cli_errorf("unknown --output '%s' (text, json, jsonl, csv, html)", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'O': a->out_path = optarg; break;
        case 'C': a->categories = optarg; break;
        case 'R':
            if (strcmp(optarg, "flagged") && strcmp(optarg, "all")) {
                cli_errorf("unknown --reasons '%s' (flagged, all)", optarg);
                return EXIT_USAGE;
            }
            a->reasons = strcmp(optarg, "all") ? MS_REASONS_FLAGGED : MS_REASONS_ALL;
            break;
        case 'j':
            if (cli_parse_long(optarg, 1, 1024, &a->jobs)) {
                cli_errorf("--jobs wants a number from 1 to 1024, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'q': a->quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: return cli_bad_option("score", argv, longopts);
        }
    }
    if (a->output == MS_OUTPUT_HTML && argc - optind > 1) {
        cli_errorf("--output html makes one page per discussion: give one FILE");
        return EXIT_USAGE;
    }
    if (out_is_input(a->out_path, argv + optind, argc - optind))
        return EXIT_USAGE;
    return -1;
}

int cmd_score(int argc, char **argv)
{
    score_args a = {0};
    int rc = parse_score_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    ms_models *models;
    ms_policy *policy;
    rc = cli_load(&a.common, &models, &policy);
    if (rc)
        return rc;
    ms_outfile of = {.fd = -1};
    FILE *out = open_output(a.out_path, &of, &rc);
    if (!out) {
        ms_models_free(models);
        ms_policy_free(policy);
        return rc;
    }
    signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, reported */
    score_run run = {0};
    run.progress = !a.quiet && isatty(STDERR_FILENO);
    run.started = now_s();
    run.jobs = a.output == MS_OUTPUT_JSONL && a.jobs > 1 ? (int)a.jobs : 1;
    run.models = models;
    run.policy = policy;
    run.reasons = a.reasons;
    run.categories = a.categories;
    run.out = out;
    ms_status st = ms_scorer_new(models, policy, &run.scorer);
    if (st == MS_OK)
        ms_scorer_set_reasons(run.scorer, a.reasons);
    if (st == MS_OK)
        rc = cli_set_categories(run.scorer, models, a.categories);
    if (st == MS_OK && !rc)
        st = ms_reporter_new(a.output, out, policy, &run.rep);
    if (st == MS_OK && !rc)
        st = ms_reporter_set_models(run.rep, models);
    if (st != MS_OK) {
        cli_errorf("%s", st == MS_ERR_UNSUPPORTED ? "this output format is not available yet"
                                                  : ms_strerror(st));
        rc = st == MS_ERR_UNSUPPORTED ? EXIT_USAGE : EXIT_SOFTWARE;
    }
    int nfiles = argc - optind;
    for (int i = 0; run.rep && i < (nfiles ? nfiles : 1); i++) {
        const char *path = nfiles ? argv[optind + i] : "-";
        int r = score_file(&run, path, a.format);
        if (ms_reporter_end(run.rep) != MS_OK)
            r = EXIT_IOERR;
        if (r && (!rc || r == EXIT_IOERR))
            rc = r;
        if (rc == EXIT_IOERR)
            break;
    }
    progress(&run, 1);
    rc = finish_output(&run, out, &of, rc);
    ms_reporter_free(run.rep);
    ms_scorer_free(run.scorer);
    ms_models_free(models);
    ms_policy_free(policy);
    return rc;
}
