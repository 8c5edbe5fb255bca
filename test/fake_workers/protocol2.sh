#!/bin/sh
# A worker of protocol 2 (an older benchgate): only "run", one batch per command. The parent
# still drives it, a batch at a time.
echo "benchgate-worker 2 0.1.0"
while read line; do
  case "$line" in
    list) echo 'list ["demo/hash_chain"]' ;;
    "bench "*) echo "ready" ;;
    "run "*) echo "time 1000000" ;;
    end) echo "done" ;;
    quit) exit 0 ;;
    *) echo "error unknown command: $line" ;;
  esac
done
