#!/bin/sh
# Runs a command, and again whenever it stops (after a pause), until this script is stopped
# (TERM or INT, which it passes on to the command). `make run` keeps the task worker alive
# this way; in production systemd does it (Restart=always).
pause=${KEEP_RUNNING_PAUSE:-5}
child=
stop() {
  if [ -n "$child" ]; then kill "$child" 2>/dev/null; wait "$child"; fi
  exit 0
}
trap stop INT TERM
while :; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=
  echo "keep-running: $1 stopped (exit status $status); starting it again in $pause s" >&2
  sleep "$pause" &
  wait $!
done
