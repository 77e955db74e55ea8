# Shared by run.sh and soak.sh: builds memlens (release) and sets $memlens,
# $python, a work folder $work removed on exit, and kills $target on exit.
python=${PYTHON:-$HOME/.pyenv/versions/3.11.7/bin/python3.11}
scratch=${SCRATCH_PATH:-.build}
swift build -c release --scratch-path "$scratch" --product memlens >/dev/null
memlens=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/memlens
work=$(mktemp -d)
target=""
trap '[ -n "$target" ] && kill -9 "$target" 2>/dev/null; rm -rf "$work"' EXIT
