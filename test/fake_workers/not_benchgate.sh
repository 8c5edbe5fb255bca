#!/bin/sh
# Not a benchgate binary: ignores --worker and prints something else.
echo "hello, I am some other program"
