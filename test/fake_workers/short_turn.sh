#!/bin/sh
# Speaks protocol 3 but answers every turn with one time, whatever it was asked to keep.
echo "benchgate-worker 3 0.1.0"
while read line; do
  case "$line" in
    list) echo 'list ["demo/hash_chain"]' ;;
    "bench "*) echo "ready" ;;
    "settle "*) echo "times 1000 1000 1000" ;;
    "refill "*) echo "count 1" ;;
    "turn "*) echo "times 1000" ;;
    end) echo "done" ;;
    quit) exit 0 ;;
    *) echo "error unknown command: $line" ;;
  esac
done
