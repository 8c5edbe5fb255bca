#!/bin/sh
# Claims to be a benchgate worker of a future protocol version.
echo "benchgate-worker 99 9.9.9"
read line
