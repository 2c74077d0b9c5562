#!/bin/sh
# check_html.sh CLI DISCUSSION ARTIFACTS - the HTML report in a real browser.
#
# Writes `modscore score --output html` for DISCUSSION into ARTIFACTS, has
# headless Chromium render it, and checks the DOM Chromium built (after the
# inline script ran under the page's Content-Security-Policy):
#   - the <h1> holds the article's title, as the JSON report gives it;
#   - one <li class="comment"> per comment (the JSON summary's count), each
#     starting with a publish / review / reject badge and carrying
#     data-id, data-action and data-hostility;
#   - the summary's count per action matches the JSON summary;
#   - an inline SVG histogram with the review and reject threshold lines;
#   - the filter checkboxes and the sort radio buttons;
#   - at least one reply nested under the comment or name it answers
#     (data-depth >= 1, indented);
#   - the inline script ran ("Showing N of N comments");
#   - the browser console is silent: no blocked fetch, no CSP violation,
#     no script error;
#   - the filters work in the browser: with "publish" unticked the script
#     counts only the review and reject comments as shown.
# It also takes a screenshot, ARTIFACTS/report.png (1280x2000), kept as a
# build artefact. Exits 77 (skipped) when Chromium is not installed.
set -eu

if [ $# -ne 3 ]; then
    echo "usage: $0 CLI DISCUSSION ARTIFACTS" >&2
    exit 2
fi
cli=$1
input=$2
out=$3

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for b in chromium chromium-browser; do
        if command -v "$b" >/dev/null 2>&1; then
            browser=$(command -v "$b")
            break
        fi
    done
fi
if [ -z "$browser" ]; then
    echo "check_html: chromium is not installed; skipped"
    exit 77
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
ok() {
    echo "ok: $*"
}

"$cli" score "$input" --output html >"$out/report.html"
"$cli" score "$input" --output json >"$out/report.json"

# the expected values, from the JSON report of the same discussion
title=$(sed -n 's/^  "article": {.*"title":"\([^"]*\)".*/\1/p' "$out/report.json")
n=$(sed -n 's/.*"summary": {"comments":\([0-9]*\).*/\1/p' "$out/report.json")
[ -n "$n" ] || { echo "check_html: no summary in the JSON report" >&2; exit 1; }

chrome() {
    # no network, no profile left behind, the console on stderr
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@"
}

chrome --dump-dom "file://$out/report.html" >"$out/report.dom.html" 2>"$out/chromium.log" ||
    fail "chromium --dump-dom failed (see $out/chromium.log)"
chrome --screenshot="$out/report.png" --window-size=1280,2000 "file://$out/report.html" \
    >/dev/null 2>>"$out/chromium.log" || fail "chromium --screenshot failed"

# one line, so patterns can span the serializer's line breaks
dom=$(tr '\n' ' ' <"$out/report.dom.html")
has() {
    printf '%s' "$dom" | grep -q -- "$1"
}
count() {
    printf '%s' "$dom" | grep -o -- "$1" | wc -l | tr -d ' '
}

if [ -n "$title" ] && has "<h1 id=\"title\">$title</h1>"; then
    ok "title: $title"
else
    fail "the <h1> does not hold the title '$title'"
fi

k=$(count '<li class="comment"')
[ "$k" -eq "$n" ] && ok "$k comment elements" || fail "$k comment elements, expected $n"
k=$(count '<li class="comment" id="comment-[0-9]*" data-id="[^"]*" data-action="\(publish\|review\|reject\)" data-hostility="[0-9.]*"')
[ "$k" -eq "$n" ] && ok "$k comments carry data-id, data-action, data-hostility" ||
    fail "$k comments carry data-id, data-action and data-hostility, expected $n"
k=$(count '<li class="comment"[^>]*> *<div class="head"><span class="badge badge-\(publish\|review\|reject\)">\(publish\|review\|reject\)</span>')
[ "$k" -eq "$n" ] && ok "$k action badges" || fail "$k action badges, expected $n"

for a in publish review reject; do
    want=$(sed -n "s/.*\"actions\":{[^}]*\"$a\":\([0-9]*\).*/\1/p" "$out/report.json")
    if has "<li data-action=\"$a\"><span class=\"n\" data-count=\"$want\">$want</span>"; then
        ok "summary: $want $a"
    else
        fail "the summary does not count $want $a"
    fi
done

if has '<svg [^>]*role="img"' && has '<rect class="bar"' &&
    has '<g class="threshold" data-threshold="review"' &&
    has '<g class="threshold" data-threshold="reject"'; then
    ok "SVG histogram with review and reject thresholds"
else
    fail "no SVG histogram with both thresholds"
fi

controls=0
for id in show-publish show-review show-reject; do
    has "<input type=\"checkbox\" class=\"filter\" id=\"$id\" checked=\"\">" ||
        { fail "no checkbox $id"; controls=1; }
done
has '<input type="radio" name="sort" class="sort-key" id="sort-hostility">' ||
    { fail "no sort by hostility"; controls=1; }
[ "$controls" -eq 0 ] && ok "filter checkboxes and sort buttons"

k=$(count 'class="comment"[^>]*data-depth="[1-9][0-9]*"[^>]*style="--indent:[1-9]')
[ "$k" -ge 1 ] && ok "$k nested replies" || fail "no nested reply"

if has "id=\"shown\" aria-live=\"polite\">Showing $n of $n comment"; then
    ok "the inline script ran"
else
    fail "the inline script did not run (no 'Showing $n of $n')"
fi

if grep -q ':CONSOLE' "$out/chromium.log"; then
    fail "browser console messages:"
    grep ':CONSOLE' "$out/chromium.log" | head -5
else
    ok "console silent (no blocked fetch, CSP violation or script error)"
fi

# the filters, in the browser: untick "publish"
sed 's/id="show-publish" checked>/id="show-publish">/' "$out/report.html" >"$out/report-no-publish.html"
shown=$(sed -n 's/.*"actions":{"publish":\([0-9]*\),"review":\([0-9]*\),"reject":\([0-9]*\)}.*/\2 \3/p' \
    "$out/report.json" | awk '{print $1 + $2}')
chrome --dump-dom "file://$out/report-no-publish.html" 2>>"$out/chromium.log" |
    tr '\n' ' ' | grep -q "id=\"shown\" aria-live=\"polite\">Showing $shown of $n comment" &&
    ok "with publish unticked $shown of $n comments are shown" ||
    fail "with publish unticked, not $shown of $n comments shown"

if [ -s "$out/report.png" ]; then
    ok "screenshot: $out/report.png"
else
    fail "no screenshot"
fi

if [ "$fails" -ne 0 ]; then
    echo "check_html: $fails check(s) failed; the report is $out/report.html"
    exit 1
fi
echo "check_html: all checks passed"
