# port.sh - sourced by the scripts that start `modscore serve --listen
# 127.0.0.1:0` with its stderr in a file: listening_port LOG waits up to
# 10 s for the "listening on" line and prints the port it names (nothing
# when the server did not start).
listening_port() {
    for _ in $(seq 100); do
        p=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1")
        [ -n "$p" ] && { echo "$p"; return 0; }
        sleep 0.1
    done
    return 1
}
