#!/bin/sh
# Speaks the protocol but lies: lists a benchmark, then answers nonsense to it.
echo "benchgate-worker 2 0.1.0"
while read line; do
  case "$line" in
    list) echo 'list ["demo/hash_chain"]' ;;
    "bench "*) echo "ready" ;;
    "run "*) echo "time -5" ;;
    quit) exit 0 ;;
    *) echo "done" ;;
  esac
done
