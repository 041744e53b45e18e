# stop-pid.sh — sourced by the project's scripts: stop_pid PID NAME ends one child process the
# script started: SIGTERM, up to 5 s, then SIGKILL; it never signals anything by name. The caller
# defines log().

stop_pid() {  # stop_pid PID NAME: TERM, wait up to 5 s, KILL; only our own child
    local pid=$1 name=$2 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name ($pid) ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
