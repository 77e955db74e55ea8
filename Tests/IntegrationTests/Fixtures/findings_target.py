"""GIVEN a ring of three Node objects referring to each other (a reference
cycle), 500 separate copies of the string 'duplicated-value-xyz', and one
list `hoard` holding most of the heap, the target snapshots itself (SIGUSR2)."""

import os
import signal


class Node:
    def __init__(self):
        self.next = None


a, b, c = Node(), Node(), Node()
a.next, b.next, c.next = b, c, a
copies = ["".join(["duplicated-", "value-", "xyz"]) for _ in range(500)]
hoard = [bytes(1000) + bytes([i % 256]) for i in range(20000)]
os.kill(os.getpid(), signal.SIGUSR2)
