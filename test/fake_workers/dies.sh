#!/bin/sh
# Says hello, then dies on the first command.
echo "benchgate-worker 2 0.1.0"
read line
exit 7
