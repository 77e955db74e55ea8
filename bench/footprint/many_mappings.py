"""Benchmark target: 60,000 small anonymous mappings with alternating
protections (so the kernel cannot merge them), half of them touched.
Prints its pid when ready, then waits for stdin to close."""

import mmap
import os
import sys

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
regions = []
for i in range(COUNT):
    if i % 2 == 0:
        region = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
        region[0] = 1  # touch: one private dirty page
    else:
        region = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ)
    regions.append(region)
sys.stdout.write("%d\n" % os.getpid())
sys.stdout.flush()
sys.stdin.read()
