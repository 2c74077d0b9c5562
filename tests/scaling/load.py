"""load.py HOST PORT STOPFILE THREADS - a steady load for haproxy_reload.sh:
THREADS clients, each on a kept-alive connection, POST /v1/check one after
another until STOPFILE exists; then prints "sent N failed M" and each
failure (a status other than 200, or no answer)."""
import http.client
import json
import os
import sys
import threading

host, port, stop, nthreads = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
texts = ["Thanks for the article, the figures were clear.", "you are a pathetic idiot",
         "The council should publish the costs before the vote."]
lock = threading.Lock()
sent, failures = [0], []


def client(n):
    conn = None
    i = n
    while not os.path.exists(stop):
        body = json.dumps({"text": texts[i % len(texts)]})
        i += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("POST", "/v1/check", body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            ok = r.status == 200 and b'"action"' in data
            if r.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            ok, data = False, repr(e).encode()
            conn.close()
            conn = None
        with lock:
            sent[0] += 1
            if not ok:
                failures.append(data[:200])


threads = [threading.Thread(target=client, args=(n,)) for n in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("sent %d failed %d" % (sent[0], len(failures)))
for f in failures[:20]:
    print("failure:", f.decode("utf-8", "replace"))
