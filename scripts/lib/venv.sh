# Sourced by scripts/serve and scripts/test: make .venv and install the project into it,
# skipping the install when pyproject.toml has not changed since the last one.
ensure_venv() {
  local extras="$1"
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Jifen needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
    exit 1
  fi
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  local stamp=".venv/.jifen-installed${extras}"
  local want
  want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Jifen into .venv …"
    .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
    .venv/bin/python -m pip install --quiet -e ".${extras}"
    echo "$want" > "$stamp"
  fi
}
