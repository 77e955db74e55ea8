"""A target with about a million objects, so a dump takes long enough to be
interrupted; waits on stdin until the test closes it."""

import sys

strings = [str(i) * 2 for i in range(600000)]
pairs = [(i, [i]) for i in range(150000)]
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.read()
