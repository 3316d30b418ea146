#!/usr/bin/env bash
# Installs what the tests, the lab and the bench need, and nothing that is already there:
# npm packages, redis-server 7+, and toxiproxy-server 2.12.0+ (built from source with Go
# into .tools/). Idempotent; quick when nothing is missing; any failure stops with a
# non-zero exit and says what to do.
#
# Tools are looked up first in .tools/, then on PATH: the same order as
# sim/testbed/tools.ts uses at run time, so what this script checks is what runs. A tool
# found first with too old a version is refused (redis-server) or replaced by a build in
# .tools/ (toxiproxy-server), never silently used.
set -euo pipefail
cd "$(dirname "$0")/../.."

TOXIPROXY_VERSION=2.12.0
# toxiproxy v2.12.0's go.mod says "go 1.23.0": older Go cannot build it (Go 1.19, Debian
# 12's, even rejects the go.mod line). A Go that is older fetches this toolchain through
# the Go module proxy (module golang.org/toolchain, as Go 1.21+ does by itself).
TOXIPROXY_GO_MIN=1.23.0
GO_TOOLCHAIN=go1.23.12
REDIS_MIN=7.0.0
TOOLS_DIR="$PWD/.tools"

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# version_ge A B: whether version A is at least B (dotted numbers).
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

# find_tool NAME: the first of .tools/NAME and NAME on PATH, or nothing.
find_tool() {
  if [ -x "$TOOLS_DIR/$1" ]; then printf '%s\n' "$TOOLS_DIR/$1"
  else command -v "$1" || true
  fi
}

redis_version() { "$1" --version | sed -n 's/.*v=\([0-9][0-9.]*\).*/\1/p'; }

# A `go install` build prints "version git"; Go records the module version in the binary.
toxiproxy_version() {
  local printed
  printed="$("$1" --version 2>/dev/null | sed -n 's/.*version v\{0,1\}\([0-9][0-9.]*\).*/\1/p')"
  if [ -z "$printed" ]; then
    printed="$(grep -a -o -m 1 "$(printf 'mod\tgithub.com/Shopify/toxiproxy/v2\tv')[0-9.]*" "$1" 2>/dev/null | head -n 1 | sed 's/.*\tv//')" || true
  fi
  printf '%s\n' "$printed"
}

# Node: package.json's engines (vite, under vitest, refuses older ones with less clear errors).
NODE_FOUND="$(node --version 2>/dev/null | sed 's/^v//')" || true
if ! { version_ge "${NODE_FOUND:-0}" 20.19.0 && ! version_ge "$NODE_FOUND" 21.0.0; } && ! version_ge "${NODE_FOUND:-0}" 22.12.0; then
  die "Node.js ${NODE_FOUND:-is missing}${NODE_FOUND:+ is too old}: 20.19 or later (or 22.12 or later) is needed, see package.json engines"
fi

# npm packages: reinstall only when the lock file changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi

# redis-server
if [ -z "$(find_tool redis-server)" ]; then
  case "$(uname -s)" in
    Linux)
      command -v apt-get >/dev/null 2>&1 || die "redis-server is missing and apt-get is not available; install redis-server $REDIS_MIN or later and re-run"
      say "installing redis-server with apt-get"
      as_root apt-get update -qq
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
      ;;
    Darwin)
      command -v brew >/dev/null 2>&1 || die "redis-server is missing and Homebrew is not available"
      say "installing redis with Homebrew"
      brew install redis
      ;;
    *) die "redis-server is missing; install redis-server $REDIS_MIN or later and re-run" ;;
  esac
fi
REDIS_SERVER="$(find_tool redis-server)"
[ -n "$REDIS_SERVER" ] || die "redis-server still missing after install"
REDIS_FOUND="$(redis_version "$REDIS_SERVER")"
version_ge "${REDIS_FOUND:-0}" "$REDIS_MIN" ||
  die "$REDIS_SERVER is redis-server ${REDIS_FOUND:-of an unknown version}, but $REDIS_MIN or later is needed; install a newer one (or put one in .tools/, which is looked up first)"

# go_for_toxiproxy: prints a go command that can build toxiproxy (Go >= TOXIPROXY_GO_MIN).
go_for_toxiproxy() {
  if ! command -v go >/dev/null 2>&1; then
    if [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null 2>&1; then
      # Debian 12's Go is 1.19: too old to build toxiproxy, but able to fetch a newer Go.
      say "installing Go with apt-get (only to fetch Go $TOXIPROXY_GO_MIN+ through the Go module proxy)"
      as_root apt-get update -qq
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq golang-go >/dev/null
    else
      die "toxiproxy-server is missing and there is no Go to build it: install Go $TOXIPROXY_GO_MIN or later (any Go from 1.16 on can fetch it), or put toxiproxy-server $TOXIPROXY_VERSION+ on PATH"
    fi
  fi
  local found
  found="$(GOTOOLCHAIN=local go env GOVERSION | sed 's/^go//')"
  if version_ge "$found" "$TOXIPROXY_GO_MIN"; then
    command -v go
    return
  fi
  say "Go $found is older than $TOXIPROXY_GO_MIN (toxiproxy v$TOXIPROXY_VERSION's go.mod); fetching $GO_TOOLCHAIN through the Go module proxy"
  local module dir
  module="golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.$(go env GOOS)-$(go env GOARCH)"
  dir="$(cd "${TMPDIR:-/tmp}" && GOTOOLCHAIN=local GO111MODULE=on go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')" ||
    die "could not fetch $module; install Go $TOXIPROXY_GO_MIN or later yourself and re-run"
  [ -n "$dir" ] && [ -f "$dir/bin/go" ] || die "fetched $module but found no bin/go in it"
  # Module zips do not keep the executable bit (Go's own toolchain switch sets it too).
  chmod +x "$dir"/bin/* "$dir"/pkg/tool/*/*
  printf '%s\n' "$dir/bin/go"
}

build_toxiproxy() {
  local go
  go="$(go_for_toxiproxy)"
  say "building toxiproxy-server $TOXIPROXY_VERSION into .tools/ with $("$go" version)"
  mkdir -p "$TOOLS_DIR"
  rm -f "$TOOLS_DIR/toxiproxy-server"
  # -X sets the version it prints (a plain `go install` build prints "git").
  GOTOOLCHAIN=local GOBIN="$TOOLS_DIR" "$go" install \
    -ldflags "-X github.com/Shopify/toxiproxy/v2.Version=$TOXIPROXY_VERSION" \
    "github.com/Shopify/toxiproxy/v2/cmd/server@v$TOXIPROXY_VERSION"
  mv "$TOOLS_DIR/server" "$TOOLS_DIR/toxiproxy-server"
}

# toxiproxy-server: the first found must be recent enough; otherwise build the pinned
# release into .tools/, which is looked up first from then on.
TOXIPROXY_SERVER="$(find_tool toxiproxy-server)"
if [ -n "$TOXIPROXY_SERVER" ]; then
  TOXIPROXY_FOUND="$(toxiproxy_version "$TOXIPROXY_SERVER")"
  if ! version_ge "${TOXIPROXY_FOUND:-0}" "$TOXIPROXY_VERSION"; then
    say "$TOXIPROXY_SERVER is toxiproxy-server ${TOXIPROXY_FOUND:-of an unknown version}, older than $TOXIPROXY_VERSION: building $TOXIPROXY_VERSION into .tools/"
    TOXIPROXY_SERVER=""
  fi
elif [ "$(uname -s)" = Darwin ] && command -v brew >/dev/null 2>&1; then
  say "installing toxiproxy with Homebrew"
  brew install toxiproxy
  TOXIPROXY_SERVER="$(find_tool toxiproxy-server)"
  TOXIPROXY_FOUND="$(toxiproxy_version "$TOXIPROXY_SERVER")"
  version_ge "${TOXIPROXY_FOUND:-0}" "$TOXIPROXY_VERSION" || TOXIPROXY_SERVER=""
fi
if [ -z "$TOXIPROXY_SERVER" ]; then
  build_toxiproxy
  TOXIPROXY_SERVER="$(find_tool toxiproxy-server)"
  TOXIPROXY_FOUND="$(toxiproxy_version "$TOXIPROXY_SERVER")"
  version_ge "${TOXIPROXY_FOUND:-0}" "$TOXIPROXY_VERSION" || die "built $TOXIPROXY_SERVER, but it reports version '${TOXIPROXY_FOUND}'"
fi
