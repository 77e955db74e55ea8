"""Seed 000's three snapshots: BASE, AFTER a phase that builds 50,000 strings
and deliberately keeps 50 of them (each in a Kept object, in one list), and
LATER, once the phase's temporaries are deleted. Writes to argv[1] the
addresses of everything it kept: the list, the Kept objects, their strings."""

import json
import os
import signal
import sys


class Kept:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def phase():
    temporary = ["%d-" % i * 20 for i in range(50000)]
    kept = [Kept(temporary[i]) for i in range(0, len(temporary), 1000)]
    return temporary, kept


os.kill(os.getpid(), signal.SIGUSR2)   # BASE
temporary, kept = phase()
os.kill(os.getpid(), signal.SIGUSR2)   # AFTER
del temporary
os.kill(os.getpid(), signal.SIGUSR2)   # LATER
addresses = [id(kept)] + [id(k) for k in kept] + [id(k.text) for k in kept]
with open(sys.argv[1], "wb") as out:
    out.write(json.dumps(["0x%x" % a for a in addresses]).encode())
