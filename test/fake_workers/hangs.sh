#!/bin/sh
# Says hello, then never answers.
echo "benchgate-worker 2 0.1.0"
exec sleep 600
