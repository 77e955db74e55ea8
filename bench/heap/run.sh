#!/usr/bin/env bash
# Heap benchmark: memlens against guppy3 and meliae on one ~1 M-object
# workload (workload.py), side by side in one run. Prints a table and the
# ratios, and writes them to bench/heap/results.json (not committed).
#
#   bench/heap/run.sh            # about 3–5 minutes here (first run: + venvs, meliae build, release build)
#
# Also issue 8's side by side: `memlens referrers` + `memlens summary` vs
# meliae's load + compute_parents() + summarize() (3.8), and `memlens retained`
# vs guppy3's dominated size (h.domisize, hpy().iso(x).domisize; 3.11, 3.12).
#
# Environment: PYENV_ROOT (default ~/.pyenv), BENCH_REPEAT (runs per timing,
# default 2), MEMLENS_SCRATCH (swift build scratch path, default .build-bench).
# Peers are installed into venvs under bench/.venvs/ (never into the pyenv
# interpreters themselves); a peer that cannot be installed is skipped with
# the reason printed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYENV_ROOT=${PYENV_ROOT:-$HOME/.pyenv}
VENVS=$ROOT/bench/.venvs
SCRATCH=${MEMLENS_SCRATCH:-$ROOT/.build-bench}
export BENCH_REPEAT=${BENCH_REPEAT:-2}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/memlens-bench-heap.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RESULTS=$WORK/results.jsonl
: >"$RESULTS"

say() { printf '== %s\n' "$*" >&2; }

# The newest pyenv CPython of a minor version (e.g. 3.11), or nothing.
pyenv_python() {
    local minor=$1 best="" dir
    for dir in "$PYENV_ROOT"/versions/"$minor".*; do
        [[ -x $dir/bin/python$minor && ${dir##*/} =~ ^$minor\.[0-9]+$ ]] || continue
        if [[ -z $best ]] || [[ $(printf '%s\n%s\n' "${best##*/}" "${dir##*/}" | sort -V | tail -1) == "${dir##*/}" ]]; then
            best=$dir
        fi
    done
    [[ -n $best ]] && printf '%s/bin/python%s\n' "$best" "$minor"
    return 0
}

# The harness itself (report.py) needs any Python ≥ 3.9 from pyenv.
HARNESS=""
for minor in 3.11 3.12 3.13 3.10 3.9; do
    HARNESS=$(pyenv_python "$minor")
    [[ -n $HARNESS ]] && break
done
if [[ -z $HARNESS ]]; then
    echo "bench: no pyenv Python 3.9–3.13 under $PYENV_ROOT/versions; nothing to measure" >&2
    exit 1
fi
report() { "$HARNESS" "$HERE/report.py" "$@"; }
# probe LABEL ROLE: the address of a workload container in that run's dump
# (the records list by default), or nothing.
probe() { report get "$RESULTS" "$1" probes "${2:-records}"; }

# venv_with MINOR MODULE PIP-ARGS… : prints the venv's python once MODULE
# imports there, installing PIP-ARGS if needed; else prints nothing and the
# reason on stderr.
venv_with() {
    local minor=$1 module=$2; shift 2
    local base venv=$VENVS/py$minor log=$WORK/pip-$minor-$module.log
    base=$(pyenv_python "$minor")
    if [[ -z $base ]]; then echo "no pyenv Python $minor" >&2; return 0; fi
    if [[ ! -x $venv/bin/python ]]; then
        mkdir -p "$VENVS"
        if ! "$base" -m venv "$venv" >"$log" 2>&1; then
            echo "python$minor -m venv failed: $(tail -3 "$log" | tr '\n' ' ')" >&2; return 0
        fi
    fi
    if ! "$venv/bin/python" -c "import $module" 2>/dev/null; then
        if ! "$venv/bin/python" -m pip install --disable-pip-version-check -q "$@" >"$log" 2>&1; then
            echo "pip install $* failed on $minor: $(grep -iE 'error' "$log" | tail -4 | tr '\n' ' ')" >&2
        fi
    fi
    if "$venv/bin/python" -c "import $module" 2>/dev/null; then
        printf '%s\n' "$venv/bin/python"
    fi
    return 0
}

# meliae 0.5.1 builds from source with Cython (3.8 only here). First as the
# issue says (cython, then meliae); if that fails, Cython < 3 without build
# isolation, so the pinned Cython is the one used.
meliae_python() {
    local venv=$VENVS/py3.8 why=$WORK/meliae-why.txt py
    py=$(venv_with 3.8 Cython cython 2>"$why")
    if [[ -z $py ]]; then cat "$why" >&2; return 0; fi
    if "$py" -c "import meliae._loader, meliae._scanner" 2>/dev/null; then printf '%s\n' "$py"; return 0; fi
    say "installing meliae into $venv (builds its C extensions, ~30 s)"
    if "$py" -m pip install --disable-pip-version-check -q meliae >"$WORK/pip-meliae.log" 2>&1 \
        && "$py" -c "import meliae._loader, meliae._scanner" 2>/dev/null; then
        printf '%s\n' "$py"; return 0
    fi
    echo "pip install meliae failed: $(grep -iE 'error' "$WORK/pip-meliae.log" | tail -4 | tr '\n' ' '); retrying with cython<3, no build isolation" >&2
    if "$py" -m pip install --disable-pip-version-check -q 'cython<3' setuptools wheel >>"$WORK/pip-meliae.log" 2>&1 \
        && "$py" -m pip install --disable-pip-version-check -q --no-build-isolation meliae >>"$WORK/pip-meliae.log" 2>&1 \
        && "$py" -c "import meliae._loader, meliae._scanner" 2>/dev/null; then
        printf '%s\n' "$py"; return 0
    fi
    echo "meliae could not be installed: $(grep -iE 'error' "$WORK/pip-meliae.log" | tail -4 | tr '\n' ' ')" >&2
    return 0
}

say "memlens release binary ($SCRATCH)"
MEMLENS=""
if command -v swift >/dev/null && swift build -c release --scratch-path "$SCRATCH" --product memlens >"$WORK/swift-build.log" 2>&1; then
    MEMLENS=$SCRATCH/release/memlens
else
    echo "bench: swift build failed or swift missing; memlens summary is skipped: $(tail -3 "$WORK/swift-build.log" 2>/dev/null | tr '\n' ' ')" >&2
fi

say "memlens agent: memlens.dump() of the workload"
for minor in 3.8 3.11 3.12 3.13; do
    py=$(pyenv_python "$minor")
    if [[ -z $py ]]; then report skip "memlens dump $minor" "$RESULTS" "no pyenv Python $minor"; continue; fi
    # -s: no user site-packages; the agent comes from the repo only.
    PYTHONPATH=$ROOT/python report run "memlens dump $minor" "$RESULTS" -- "$py" -s "$HERE/workload.py" memlens "$WORK/dump-$minor.mlh"
done

say "guppy3: hpy().heap() of the workload"
for minor in 3.8 3.11 3.12 3.13; do
    py=$(venv_with "$minor" guppy guppy3 2>"$WORK/why.txt")
    if [[ -z $py ]]; then report skip "guppy3 heap() $minor" "$RESULTS" "$(tr '\n' ' ' <"$WORK/why.txt")"; continue; fi
    report run "guppy3 heap() $minor" "$RESULTS" -- "$py" "$HERE/workload.py" guppy
done

say "guppy3: dominated size (h.domisize of the whole heap, hpy().iso(x).domisize of each container)"
for minor in 3.11 3.12; do
    py=$(venv_with "$minor" guppy guppy3 2>"$WORK/why.txt")
    if [[ -z $py ]]; then report skip "guppy3 domisize $minor" "$RESULTS" "$(tr '\n' ' ' <"$WORK/why.txt")"; continue; fi
    report run "guppy3 domisize $minor" "$RESULTS" -- "$py" "$HERE/workload.py" guppy-domisize
done

say "meliae 0.5.1 (Python 3.8): dump_all_objects, then load + summarize"
py=$(meliae_python 2>"$WORK/why.txt")
if [[ -n $py ]]; then
    report run "meliae dump 3.8" "$RESULTS" -- "$py" "$HERE/workload.py" meliae "$WORK/meliae.json"
    if [[ -s $WORK/meliae.json ]]; then
        report run "meliae load 3.8" "$RESULTS" -- "$py" "$HERE/workload.py" meliae-load "$WORK/meliae.json"
        report run "meliae load collapse 3.8" "$RESULTS" -- "$py" "$HERE/workload.py" meliae-load-collapse "$WORK/meliae.json"
        # Issue 8: the reverse edges of the whole heap (compute_parents, the
        # newer name of compute_referrers) + summarize, then one object's parents.
        report run "meliae parents 3.8" "$RESULTS" -- "$py" "$HERE/workload.py" meliae-parents "$WORK/meliae.json" "$(probe "meliae dump 3.8")"
    else
        report skip "meliae load 3.8" "$RESULTS" "no meliae dump to load"
        report skip "meliae parents 3.8" "$RESULTS" "no meliae dump to load"
    fi
else
    why=$(tr '\n' ' ' <"$WORK/why.txt")
    report skip "meliae dump 3.8" "$RESULTS" "$why"
    report skip "meliae load 3.8" "$RESULTS" "$why"
    report skip "meliae load collapse 3.8" "$RESULTS" "$why"
    report skip "meliae parents 3.8" "$RESULTS" "$why"
fi

say "memlens summary (release binary): load + summary, peak RSS"
if [[ -n $MEMLENS && -s $WORK/dump-3.11.mlh ]]; then
    # Baseline: the same command on the smallest snapshot (a bare interpreter).
    PYTHONPATH=$ROOT/python "$HARNESS" -s -c "import memlens, sys; memlens.dump(sys.argv[1])" "$WORK/bare.mlh"
    report time "memlens summary baseline" "$RESULTS" -- "$MEMLENS" summary --json --top 1000000 "$WORK/bare.mlh"
    report time "memlens summary .mlh" "$RESULTS" -- "$MEMLENS" summary --json --top 1000000 "$WORK/dump-3.11.mlh"
    if [[ -s $WORK/meliae.json ]]; then
        report time "memlens summary meliae.json" "$RESULTS" -- "$MEMLENS" summary --json --top 1000000 "$WORK/meliae.json"
        report time "memlens summary --collapse-dicts meliae.json" "$RESULTS" -- "$MEMLENS" summary --json --top 1000000 --collapse-dicts "$WORK/meliae.json"
    else
        report skip "memlens summary meliae.json" "$RESULTS" "no meliae dump"
        report skip "memlens summary --collapse-dicts meliae.json" "$RESULTS" "no meliae dump"
    fi
else
    report skip "memlens summary .mlh" "$RESULTS" "no release binary or no 3.11 snapshot"
fi

say "memlens referrers + summary (release binary) vs meliae compute_parents + summarize"
# referrers --address loads the snapshot and builds the reverse edges of the
# whole heap (Referrers), as compute_parents does, then prints 2 levels for
# one object: the workload's records list (one referrer, so printing is cheap).
address=$(probe "memlens dump 3.8")
if [[ -n $MEMLENS && -s $WORK/dump-3.8.mlh && -n $address ]]; then
    report time "memlens summary .mlh 3.8" "$RESULTS" -- "$MEMLENS" summary --json --top 1000000 "$WORK/dump-3.8.mlh"
    report time "memlens referrers .mlh 3.8" "$RESULTS" -- "$MEMLENS" referrers "$WORK/dump-3.8.mlh" --address "$address"
else
    report skip "memlens summary .mlh 3.8" "$RESULTS" "no release binary or no 3.8 snapshot"
    report skip "memlens referrers .mlh 3.8" "$RESULTS" "no release binary or no 3.8 snapshot"
fi
address=$(probe "meliae dump 3.8")
if [[ -n $MEMLENS && -s $WORK/meliae.json && -n $address ]]; then
    report time "memlens referrers meliae.json" "$RESULTS" -- "$MEMLENS" referrers "$WORK/meliae.json" --address "$address"
else
    report skip "memlens referrers meliae.json" "$RESULTS" "no release binary or no meliae dump"
fi

say "memlens retained (release binary) vs guppy3 domisize"
for minor in 3.11 3.12; do
    if [[ -n $MEMLENS && -s $WORK/dump-$minor.mlh ]]; then
        # --json: the top 10 with addresses, matched against the dump's probes.
        report time "memlens retained $minor" "$RESULTS" -- "$MEMLENS" retained --json --top 10 "$WORK/dump-$minor.mlh"
    else
        report skip "memlens retained $minor" "$RESULTS" "no release binary or no $minor snapshot"
    fi
done

report table "$RESULTS" "$HERE/results.json"
