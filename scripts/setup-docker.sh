#!/usr/bin/env bash
# setup-docker.sh: gives wdlrun (and its tests) a working Docker Engine and the
# offline test images, on a machine where no image registry can be reached.
#
#   npm run setup:docker            # or: bash scripts/setup-docker.sh
#
# Steps, each skipped when already done (a second run takes about a second):
#   0. install Debian's chromium (headless, for the tests of the report and graph pages)
#      and openssl (the TLS engine test makes its certificates with it)
#   1. find an engine: DOCKER_HOST, then /var/run/docker.sock, then wdlrun's own
#      dockerd socket; if none answers, install docker.io (apt) when dockerd is
#      missing and start dockerd with its own data/exec root under
#      $WDLRUN_DOCKERD_DIR (default /tmp/wdlrun-dockerd), no bridge, no iptables;
#   2. build the test image when missing: a Debian bookworm root (debootstrap
#      --variant=minbase, plus python3, procps, util-linux, pciutils) cached as a
#      tarball under $WDLRUN_CACHE (default ~/.cache/wdlrun), imported once and
#      tagged with every image name the spec's examples use.
#
# Progress goes to stderr. The last line on stdout is `DOCKER_HOST=<url>` for
# the engine in use, so callers can `eval "$(bash scripts/setup-docker.sh)"`
# after prefixing `export `, or parse it (test/integration/global-setup.ts does).
#
# Environment:
#   WDLRUN_DOCKERD_DIR   where wdlrun's dockerd keeps data, exec state, socket, log
#   WDLRUN_CACHE         where the debootstrap tarball is cached
#   WDLRUN_SKIP_IMAGES=1 only make sure an engine answers
#   WDLRUN_DOCKERD_ARGS  extra arguments for a dockerd this script starts
set -euo pipefail

STATE_DIR="${WDLRUN_DOCKERD_DIR:-/tmp/wdlrun-dockerd}"
CACHE_DIR="${WDLRUN_CACHE:-${HOME:-/root}/.cache/wdlrun}"
OWN_SOCK="$STATE_DIR/docker.sock"
OWN_HOST="unix://$OWN_SOCK"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { printf 'setup-docker: %s\n' "$*" >&2; }
die() { printf 'setup-docker: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=engine-common.sh
. "$HERE/engine-common.sh"
LABEL="$IMAGE_LABEL"

# Answers whether an engine responds at $1 (a DOCKER_HOST url).
engine_answers() {
  DOCKER_HOST="$1" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (run this script as root, or install sudo)"
  fi
}

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} yourself"
  local log="$STATE_DIR/apt.log"
  mkdir -p "$STATE_DIR"
  if [ $apt_updated = 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "apt-get update failed (log: $log)"; }
    apt_updated=1
  fi
  say "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; die "apt-get install ${missing[*]} failed (log: $log)"; }
}

# --- 0. a browser for the tests of wdlrun's HTML pages (report, graph) ------------
command -v chromium >/dev/null || apt_install chromium fonts-liberation
command -v openssl >/dev/null || apt_install openssl

# --- 1. an engine ----------------------------------------------------------------
command -v docker >/dev/null || apt_install docker.io
mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/setup.lock"
flock 9 # one setup at a time (tests and users may run it concurrently)

HOST=""
if [ -n "${DOCKER_HOST:-}" ] && engine_answers "$DOCKER_HOST"; then
  HOST="$DOCKER_HOST"; say "using the engine at DOCKER_HOST=$HOST"
elif [ -S /var/run/docker.sock ] && engine_answers unix:///var/run/docker.sock; then
  HOST=unix:///var/run/docker.sock; say "using the engine at $HOST"
elif [ -S "$OWN_SOCK" ] && engine_answers "$OWN_HOST"; then
  HOST="$OWN_HOST"; say "wdlrun's dockerd already answers at $HOST"
else
  if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "$OWN_HOST" ]; then
    say "nothing answers at DOCKER_HOST=$DOCKER_HOST; starting wdlrun's own dockerd instead"
  fi
  command -v dockerd >/dev/null || apt_install docker.io
  command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
  say "starting dockerd (data root $STATE_DIR/data, log $STATE_DIR/log)"
  # shellcheck disable=SC2086
  start_dockerd "$STATE_DIR" ${WDLRUN_DOCKERD_ARGS:-}
  pid="$(cat "$STATE_DIR/pid")"
  HOST="$OWN_HOST"; say "dockerd $(DOCKER_HOST=$HOST docker version --format '{{.Server.Version}}') answers at $HOST (pid $pid)"
fi
export DOCKER_HOST="$HOST"

# --- 2. images -------------------------------------------------------------------
if [ "${WDLRUN_SKIP_IMAGES:-0}" != 1 ]; then
  have_image() { docker image inspect "$1" >/dev/null 2>&1; }
  if ! have_image "$BASE_IMAGE"; then
    tarball="$CACHE_DIR/debian-bookworm-minbase-v$ROOT_VERSION.tar"
    if [ ! -s "$tarball" ]; then
      apt_install debootstrap
      mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
      mirror="${mirror:-http://deb.debian.org/debian}"
      root="$(mktemp -d /tmp/wdlrun-rootfs.XXXXXX)"
      trap 'as_root rm -rf "$root"' EXIT
      say "debootstrap bookworm from $mirror (about a minute; cached afterwards in $tarball)"
      as_root debootstrap --variant=minbase --include="$ROOT_PACKAGES" bookworm "$root" "$mirror" >"$root.log" 2>&1 \
        || { tail -n 20 "$root.log" >&2; die "debootstrap failed (log: $root.log)"; }
      rm -f "$root.log"
      as_root rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
      mkdir -p "$CACHE_DIR"
      as_root tar -C "$root" -cf "$tarball.tmp" .
      mv "$tarball.tmp" "$tarball"
      as_root rm -rf "$root"; trap - EXIT
    else
      say "using cached root $tarball"
    fi
    say "importing $BASE_IMAGE"
    docker import -c 'CMD ["bash"]' -c "LABEL $LABEL=v$IMAGE_VERSION" -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "$tarball" "$BASE_IMAGE" >/dev/null
  fi
  tagged=()
  kept=()
  # Tags $2 as $1 unless $1 is a real image (one without wdlrun's label).
  tag_as() {
    local name="$1" source="$2" want current
    want="$(docker image inspect --format '{{.Id}}' "$source")"
    current="$(docker image inspect --format "{{.Id}} {{index .Config.Labels \"$LABEL\"}}" "$name" 2>/dev/null || true)"
    if [ -z "$current" ] || { [ "${current%% *}" != "$want" ] && [ -n "${current#* }" ]; }; then
      docker tag "$source" "$name"; tagged+=("$name")      # absent, or an older wdlrun test image
    elif [ "${current%% *}" != "$want" ]; then
      kept+=("$name")                                    # a real image of that name: leave it alone
    fi
  }
  # Builds the Ubuntu stand-in for codename $1 (release $2) when missing.
  standin() {
    local image="wdlrun/test-ubuntu:$1-v$IMAGE_VERSION" cid file
    have_image "$image" && return 0
    file="$(mktemp)"
    printf 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=%s\nDISTRIB_CODENAME=%s\nDISTRIB_DESCRIPTION="wdlrun test stand-in for Ubuntu %s (a Debian bookworm root)"\n' "$2" "$1" "$2" >"$file"
    chmod 644 "$file"
    cid="$(docker create --network none "$BASE_IMAGE" true)"
    docker cp "$file" "$cid:/etc/lsb-release"
    docker commit -c "LABEL $LABEL=v$IMAGE_VERSION-$1" "$cid" "$image" >/dev/null
    docker rm "$cid" >/dev/null
    rm -f "$file"
    say "built $image"
  }
  for name in "${DEBIAN_NAMES[@]}"; do tag_as "$name" "$BASE_IMAGE"; done
  for entry in "${UBUNTU_NAMES[@]}"; do
    name="${entry%%=*}"; spec="${entry#*=}"; codename="${spec%%:*}"; release="${spec#*:}"
    standin "$codename" "$release"
    tag_as "$name" "wdlrun/test-ubuntu:$codename-v$IMAGE_VERSION"
  done
  [ ${#kept[@]} -gt 0 ] && say "left existing images alone: ${kept[*]}"
  if [ ${#tagged[@]} -gt 0 ]; then say "tagged ${tagged[*]}"; else say "test images present"; fi
fi

echo "DOCKER_HOST=$HOST"
