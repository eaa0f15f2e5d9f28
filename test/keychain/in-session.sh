#!/usr/bin/env bash
# Runs a command (default: the keychain test suite) inside a throw-away D-Bus session with a
# freshly created, unlocked gnome-keyring: new XDG_DATA_HOME and XDG_RUNTIME_DIR every time, so a
# keyring left by an earlier run (with another password, hence locked) is never picked up.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "error: the keychain tests need a real Secret Service, and these are not installed: ${missing[*]}." >&2
  echo "Install: sudo apt-get install dbus dbus-x11 gnome-keyring libsecret-tools (or run bash .ci/run)." >&2
  exit 1
fi

base=$(mktemp -d "${TMPDIR:-/tmp}/px-keychain-XXXXXX")
trap 'rm -rf "$base"' EXIT
mkdir -m 700 "$base/data" "$base/runtime"
export XDG_DATA_HOME="$base/data" XDG_RUNTIME_DIR="$base/runtime"
if [ $# -eq 0 ]; then set -- npx vitest run --config vitest.keychain.config.ts; fi

# gnome-keyring-daemon forks and keeps running; it leaves when the session bus it serves goes away.
dbus-run-session -- bash -c '
  set -euo pipefail
  printf %s px-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' px-keychain-session "$@"
