#!/usr/bin/env bash
# busctl-session.sh — a whole gemini-live-gateway session driven by busctl alone:
# start a detached session, say something, read its properties, close it.
#
#   examples/busctl-session.sh ["text to say"]
#
# Uses the session bus, or the bus in BUSCTL_ADDRESS (e.g. unix:path=/tmp/x/bus). Every busctl call is
# a new bus connection, so the session is started "detached": it outlives the call that started it
# and obeys every connection of this user (see docs/dbus-api.md).
set -euo pipefail

G=io.github.geminilive.Gateway1
M=/io/github/geminilive/Gateway1
text=${1:-"Hello from busctl!"}
if [ -n "${BUSCTL_ADDRESS:-}" ]; then bus=(--address="$BUSCTL_ADDRESS"); else bus=(--user); fi
b() { busctl "${bus[@]}" "$@"; }

S=$(b call $G $M $G StartSession 'a{sv}' 2 detached b true idle_timeout u 120 | awk '{print $2}' | tr -d '"')
echo "session: $S"

b call $G "$S" $G.Session SendText s "$text"
echo "said: $text"

# Wait (up to 30 s) for the reply's turn to complete: Turn goes from 0 to 1.
for _ in $(seq 1 300); do
    turn=$(b get-property $G "$S" $G.Session Turn | awk '{print $2}')
    [ "$turn" -ge 1 ] && break
    sleep 0.1
done

for property in State Model Turn LastError; do
    echo "$property: $(b get-property $G "$S" $G.Session $property | cut -d' ' -f2-)"
done
echo "Usage: $(b get-property $G "$S" $G.Session Usage | cut -d' ' -f2-)"

b call $G "$S" $G.Session Close
echo "closed"
