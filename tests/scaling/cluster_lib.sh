# cluster_lib.sh - sourced by dask_cluster.sh and bench/cluster.sh: a Dask
# scheduler and workers on loopback, from Debian's python3-distributed.
#   start_scheduler DIR         scheduler on 127.0.0.1 (address in $SCHED)
#   start_workers DIR N         N workers of one thread each; waits for them
#   stop_cluster                stops what these started, workers first
# PYTHONPATH and MODSCORE_MODELS are passed on to the workers.
CLUSTER_PIDS=""

start_scheduler() {
  dask-scheduler --host 127.0.0.1 --port 0 --no-dashboard --scheduler-file "$1/scheduler.json" \
    >"$1/scheduler.log" 2>&1 &
  CLUSTER_PIDS="$CLUSTER_PIDS $!"
  for _ in $(seq 300); do
    [ -s "$1/scheduler.json" ] && break
    sleep 0.1
  done
  SCHED=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["address"])' \
    "$1/scheduler.json") || return 1
}

start_workers() {
  for i in $(seq "$2"); do
    mkdir -p "$1/worker$i"
    dask-worker --nthreads 1 --nworkers 1 --no-dashboard --no-nanny --host 127.0.0.1 \
      --local-directory "$1/worker$i" --scheduler-file "$1/scheduler.json" \
      >"$1/worker$i.log" 2>&1 &
    CLUSTER_PIDS="$CLUSTER_PIDS $!"
  done
  "$PY" -c 'import sys; from distributed import Client
c = Client(sys.argv[1], timeout=60); c.wait_for_workers(int(sys.argv[2]), timeout=120); c.close()' \
    "$SCHED" "$2"
}

# Workers first, then the scheduler (the order dask's own tools stop them
# in); a process still there after 10 s is killed: a 2022.12 worker told
# to stop while its scheduler closes the stream can hang in its shutdown.
stop_cluster() {
  pids=""
  for p in $CLUSTER_PIDS; do pids="$p $pids"; done
  for p in $pids; do
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 100); do
      grep -qs '^State:[[:space:]]*[^Z]' "/proc/$p/status" || break # gone, or a zombie
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  CLUSTER_PIDS=""
}
