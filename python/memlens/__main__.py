"""``python -m memlens run [-o DIR] [--at-exit] script.py args…``: run a script with snapshots on SIGUSR2."""

import argparse
import os
import runpy
import signal
import sys

from .signals import install_signal_handler, snapshot_to


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m memlens")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a script; SIGUSR2 writes DIR/PID-N.mlh")
    run.add_argument("-o", "--output", default=".", help="directory for snapshots")
    run.add_argument("--at-exit", action="store_true", help="also snapshot when the script ends")
    run.add_argument("--no-values", action="store_true", help="leave out str/bytes/int/float values")
    run.add_argument("-m", dest="module", help="run a module instead of a script")
    run.add_argument("script", nargs="?")
    run.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    if not options.module and not options.script:
        parser.error("run needs a script or -m MODULE")

    def report(line):
        sys.stderr.write("memlens: %s\n" % line)

    values = not options.no_values
    install_signal_handler(signal.SIGUSR2, options.output, values=values, report=report)
    if options.at_exit:
        import atexit
        atexit.register(snapshot_to, os.path.abspath(options.output), values, report)
    if options.module:
        sys.argv = [options.module] + ([options.script] if options.script else []) + options.args
        runpy.run_module(options.module, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [options.script] + options.args
        sys.path[0] = os.path.dirname(os.path.abspath(options.script))
        runpy.run_path(options.script, run_name="__main__")


if __name__ == "__main__":
    main()
