#!/bin/sh
# perspective_clients.sh MODSCORE MODELS TESTS - `modscore serve` against
# real Perspective API clients over loopback:
#  - npm's perspective-api-client 3.1.0, installed into a cache directory
#    ($MS_NPM_CACHE, default ~/.cache/modscore-npm) and run unchanged but for
#    one axios interceptor that points its fixed Google URL at the server
#    (the way a site switching over would);
#  - discovery, as google-api-python-client reads it (the document's shape
#    with curl: rootUrl, the methods and their paths), since that client is
#    not installable here;
#  - --api-keys, --feedback and SIGHUP from the outside.
# Skipped (77) only when node or npm is missing.
set -u
. "$(dirname "$0")/port.sh"
BIN=${1:?usage: perspective_clients.sh MODSCORE MODELS TESTS}
MODELS=${2:?}
TESTS=${3:?}
command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 ||
    { echo "node/npm not installed: skipped"; exit 77; }
command -v curl >/dev/null 2>&1 || { echo "curl not installed: skipped"; exit 77; }
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; echo "--- server log"; cat "$T/log"; exit 1; }

CACHE=${MS_NPM_CACHE:-${HOME:-/tmp}/.cache/modscore-npm}/perspective-api-client-3.1.0
if [ ! -f "$CACHE/node_modules/perspective-api-client/index.js" ]; then
    mkdir -p "$CACHE" && (cd "$CACHE" && npm install --no-audit --no-fund --no-save \
        --prefix "$CACHE" perspective-api-client@3.1.0 >"$T/npm.log" 2>&1) ||
        { cat "$T/npm.log"; fail "npm install perspective-api-client@3.1.0"; }
fi

printf 'test-key\n' >"$T/keys"
"$BIN" serve --listen 127.0.0.1:0 --models "$MODELS" --threads 2 --api-keys "$T/keys" \
    --feedback "$T/feedback.jsonl" 2>"$T/log" &
PID=$!
PORT=$(listening_port "$T/log")
[ -n "$PORT" ] || fail "server did not start"
URL=http://127.0.0.1:$PORT

cat >"$T/client.js" <<'JS'
// The npm client, unchanged; one interceptor sends its requests here.
const assert = require('assert');
const axios = require('axios');
const Perspective = require('perspective-api-client');
const base = process.argv[2];
axios.interceptors.request.use(cfg => {
  cfg.url = cfg.url.replace('https://commentanalyzer.googleapis.com', base);
  return cfg;
});
const score = r => r.attributeScores.TOXICITY.summaryScore.value;
(async () => {
  const p = new Perspective({apiKey: 'test-key'});
  const insult = await p.analyze('You are a stupid idiot.');
  assert(score(insult) > 0.5, JSON.stringify(insult));
  const kind = await p.analyze('Thank you for the clear and careful reporting on this.');
  assert(score(kind) < 0.5, JSON.stringify(kind));
  assert.deepStrictEqual(kind.detectedLanguages, ['en']);
  // its object form, with the options Perspective documents
  const full = await p.analyze({comment: {text: 'what an idiot 😀'}, languages: ['en'],
                                spanAnnotations: true, clientToken: 'c-1'},
                               {attributes: ['toxicity']});
  assert.strictEqual(full.clientToken, 'c-1');
  assert(Array.isArray(full.attributeScores.TOXICITY.spanScores));
  // SEVERE_TOXICITY (Discourse's "severe toxicity" model) is answered by its own model
  const sev = await p.analyze('You are a stupid idiot.', {attributes: ['severe_toxicity']});
  const sv = sev.attributeScores.SEVERE_TOXICITY.summaryScore.value;
  assert(sv >= 0 && sv <= 1 && sv !== score(insult), JSON.stringify(sev));
  // HTML is stripped by the client, as against Google
  const html = await p.analyze('<p>You are a <b>moron</b></p>');
  assert(score(html) > 0.5);
  // errors come back as the client's ResponseError with Perspective's message
  const refused = async (promise, want) => {
    try { await promise; } catch (e) {
      assert.strictEqual(e.name, 'ResponseError', e.stack);
      assert(e.message.includes(want), e.message);
      return e;
    }
    assert.fail('not refused: ' + want);
  };
  await refused(new Perspective({apiKey: 'wrong'}).analyze('hello there'),
                'API key not valid');
  // a language no shipped model reads (Russian): Perspective's 400
  await refused(p.analyze('Ты полный идиот и ничего не понимаешь, прочитай статью ещё раз.'),
                'does not support request languages: ru');
  await refused(p.analyze('hello', {attributes: ['INFLAMMATORY']}),
                'Unknown requested attribute: INFLAMMATORY');
  const e = await refused(p.analyze({comment: {text: 'privet'}, languages: ['ru']}),
                          'does not support request languages: ru');
  // German and Spanish have their own models (issue 21): scored, named or detected
  const de = await p.analyze({comment: {text: 'Du bist ein Idiot und hast keine Ahnung, ' +
                                        'lies den Artikel nochmal.'}, languages: ['de']});
  assert(score(de) > 0.5, JSON.stringify(de));
  const es = await p.analyze('Eres un idiota y un imbécil, no tienes ni idea de nada, cállate ya.');
  assert(score(es) > 0.5 && es.detectedLanguages[0] === 'es', JSON.stringify(es));
  await refused(p.analyze({comment: {text: 'Du bist ein Idiot.'}, languages: ['de']},
                          {attributes: ['THREAT']}),
                'Attribute THREAT does not support request languages: de');
  assert.strictEqual(e.response.status, 400);
  try { await p.analyze(''); assert.fail('empty'); }
  catch (err) { assert.strictEqual(err.name, 'TextEmptyError'); }
  console.log('perspective-api-client 3.1.0: all answers as expected');
})().catch(err => { console.error(err); process.exit(1); });
JS
NODE_PATH="$CACHE/node_modules" node "$T/client.js" "$URL" || fail "perspective-api-client"

# discovery: what google-api-python-client's discovery.build reads
curl -s "$URL/\$discovery/rest?version=v1alpha1" >"$T/disc.json"
python3 - "$T/disc.json" "$URL/" <<'PY' || fail "discovery document: $(head -c 300 "$T/disc.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "discovery#restDescription" and d["discoveryVersion"] == "v1"
assert d["name"] == "commentanalyzer" and d["version"] == "v1alpha1"
assert d["rootUrl"] == sys.argv[2], d["rootUrl"]
assert d["servicePath"] == "" and "key" in d["parameters"]
m = d["resources"]["comments"]["methods"]
for name in ("analyze", "suggestscore"):
    assert m[name]["httpMethod"] == "POST"
    assert m[name]["path"] == "v1alpha1/comments:" + name
    assert m[name]["request"]["$ref"] in d["schemas"]
    assert m[name]["response"]["$ref"] in d["schemas"]
PY
# the method path resolved against rootUrl, as the Python client would call it
code=$(curl -s -o "$T/a.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    "$URL/v1alpha1/comments:analyze?key=test-key&alt=json" \
    -d '{"comment":{"text":"You are an idiot."},"requestedAttributes":{"TOXICITY":{}}}')
[ "$code" = 200 ] || fail "analyze at rootUrl + path: $code $(cat "$T/a.json")"

# Coral's feedback lands in --feedback; SIGHUP rereads the keys
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    "$URL/v1alpha1/comments:suggestscore?key=test-key" -d @"$TESTS/data/perspective/coral_suggestscore.json")
[ "$code" = 200 ] || fail "suggestscore: $code"
grep -q '"label":1,"category":"hostility","attribute":"TOXICITY"' "$T/feedback.jsonl" || fail "feedback: $(cat "$T/feedback.jsonl")"
printf 'new-key\n' >"$T/keys"
kill -HUP "$PID"
for _ in $(seq 50); do grep -q "reloaded" "$T/log" && break; sleep 0.1; done
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    "$URL/v1alpha1/comments:analyze?key=test-key" \
    -d '{"comment":{"text":"hi there"},"requestedAttributes":{"TOXICITY":{}}}')
[ "$code" = 400 ] || fail "old key after SIGHUP: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    "$URL/v1alpha1/comments:analyze?key=new-key" \
    -d '{"comment":{"text":"hi there"},"requestedAttributes":{"TOXICITY":{}}}')
[ "$code" = 200 ] || fail "new key after SIGHUP: $code"

kill -TERM "$PID"
wait "$PID" || fail "server exit status"
PID=
echo "perspective_clients: ok"
