#!/usr/bin/env bash
# Installs what the tests, the lab and the bench need, and nothing that is already there:
# npm packages, redis-server, and toxiproxy-server (built from source with Go into .tools/).
# Idempotent; quick when nothing is missing; any failure stops with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

TOXIPROXY_VERSION=v2.12.0
TOOLS_DIR="$PWD/.tools"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# npm packages: reinstall only when the lock file changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi

# redis-server
if ! command -v redis-server >/dev/null 2>&1; then
  case "$(uname -s)" in
    Linux)
      command -v apt-get >/dev/null 2>&1 || die "redis-server is missing and apt-get is not available; install redis-server 7 and re-run"
      say "installing redis-server with apt-get"
      as_root apt-get update -qq
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
      ;;
    Darwin)
      command -v brew >/dev/null 2>&1 || die "redis-server is missing and Homebrew is not available"
      say "installing redis with Homebrew"
      brew install redis
      ;;
    *) die "redis-server is missing; install redis-server 7 and re-run" ;;
  esac
fi
command -v redis-server >/dev/null 2>&1 || die "redis-server still missing after install"

# toxiproxy-server: a binary on PATH wins; otherwise build the pinned release into .tools/.
if ! command -v toxiproxy-server >/dev/null 2>&1 && [ ! -x "$TOOLS_DIR/toxiproxy-server" ]; then
  if [ "$(uname -s)" = Darwin ] && command -v brew >/dev/null 2>&1; then
    say "installing toxiproxy with Homebrew"
    brew install toxiproxy
  else
    command -v go >/dev/null 2>&1 || die "toxiproxy-server is missing and the Go toolchain is not available to build it"
    say "building toxiproxy-server $TOXIPROXY_VERSION with go install"
    mkdir -p "$TOOLS_DIR"
    GOBIN="$TOOLS_DIR" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION"
    mv "$TOOLS_DIR/server" "$TOOLS_DIR/toxiproxy-server"
  fi
fi
if ! command -v toxiproxy-server >/dev/null 2>&1 && [ ! -x "$TOOLS_DIR/toxiproxy-server" ]; then
  die "toxiproxy-server still missing after install"
fi
