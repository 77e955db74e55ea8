"""A leak held at module level through a closure: module __main__ → leak
(a function) → its closure cell 'items' → a list → LeakedThing. Snapshots
itself with SIGUSR2."""

import os
import signal


class LeakedThing:
    def __init__(self, index):
        self.index = index


def make_leak():
    items = [LeakedThing(i) for i in range(100)]

    def leak():
        return items

    return leak


leak = make_leak()
os.kill(os.getpid(), signal.SIGUSR2)
