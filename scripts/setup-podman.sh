#!/usr/bin/env bash
# setup-podman.sh: a rootful Podman serving the Docker-compatible Engine API on
# its own socket, with the offline test images, for wdlrun's tests on Podman
# (and for trying wdlrun on Podman on a Debian machine).
#
#   bash scripts/setup-podman.sh          # prints PODMAN_HOST=<url> as its last stdout line
#   bash scripts/setup-podman.sh stop     # stops that service (its storage is kept)
#
# Steps, each skipped when already done (a second run takes about a second):
#   1. install Debian's podman (apt) when missing;
#   2. write $STATE/containers.conf: the default ulimits capped to what this
#      machine allows (podman asks nofile 1048576 / nproc 4194304, which a
#      container here may not raise to, and every container start then fails),
#      events to a file and cgroupfs (no systemd or journald needed);
#   3. start `podman system service --time=0 unix://$STATE/podman.sock` in the
#      background, with its own storage ($STATE/storage) and run root, unless it
#      already answers; its socket is made 0660 for root and the docker group
#      (when there is one), as Docker's is;
#   4. the test images: every name setup-docker.sh gives them (engine-common.sh
#      lists them), copied from the main Docker Engine (docker save | podman
#      load, about 25 s) when any is missing or differs, and tagged under every
#      name a document may use: `podman load` names them localhost/NAME:TAG, so
#      they also get the docker.io/library/NAME:TAG forms and the plain names.
#
# Progress goes to stderr.
#
# Environment:
#   WDLRUN_PODMAN_DIR        state folder (default /tmp/wdlrun-podman)
#   WDLRUN_MAIN_DOCKER_HOST  the engine that holds the test images (default: the
#                            last line of scripts/setup-docker.sh)
#   WDLRUN_SKIP_IMAGES=1     only make sure the service answers
set -euo pipefail

ACTION="${1:-start}"
STATE_DIR="${WDLRUN_PODMAN_DIR:-/tmp/wdlrun-podman}"
SOCK="$STATE_DIR/podman.sock"
HOST="unix://$SOCK"
CONF="$STATE_DIR/containers.conf"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { printf 'setup-podman: %s\n' "$*" >&2; }
die() { printf 'setup-podman: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=engine-common.sh
. "$HERE/engine-common.sh"

pm() { CONTAINERS_CONF="$CONF" podman --root "$STATE_DIR/storage" --runroot "$STATE_DIR/run" "$@"; }
# The docker client speaks to Podman's compatible API only at the version Podman serves.
answers() { DOCKER_HOST="$HOST" DOCKER_API_VERSION=1.41 timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

stop() {
  [ -s "$STATE_DIR/pid" ] || { say "not running"; return 0; }
  local pid; pid="$(cat "$STATE_DIR/pid")"
  if kill -0 "$pid" 2>/dev/null && grep -q podman "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$STATE_DIR/pid"
  say "stopped"
}

if [ "$ACTION" = stop ]; then stop; exit 0; fi
[ "$ACTION" = start ] || die "usage: setup-podman.sh [start] | stop"
[ "$(id -u)" = 0 ] || die "this script sets up a rootful Podman and needs root (rootless: see README.md, section Podman)"

mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/setup.lock"
flock 9 # one setup at a time

# --- 1. podman -------------------------------------------------------------------
if ! command -v podman >/dev/null; then
  command -v apt-get >/dev/null || die "podman is missing and apt-get is not here: install podman yourself"
  say "apt-get install podman"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman; } >"$STATE_DIR/apt.log" 2>&1 \
    || { tail -n 20 "$STATE_DIR/apt.log" >&2; die "apt-get install podman failed (log: $STATE_DIR/apt.log)"; }
fi
command -v docker >/dev/null || die "the docker client is missing: run scripts/setup-docker.sh first"

# --- 2. containers.conf ----------------------------------------------------------
nofile="$(ulimit -Hn)"
{ [ "$nofile" = unlimited ] || [ "$nofile" -gt 1048576 ]; } && nofile=1048576
conf="$(printf '%s\n' \
  '# written by wdlrun scripts/setup-podman.sh' \
  '[containers]' \
  "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=32768:32768\"]" \
  '[engine]' \
  'events_logger = "file"' \
  'cgroup_manager = "cgroupfs"')"
[ -f "$CONF" ] && [ "$(cat "$CONF")" = "$conf" ] || printf '%s\n' "$conf" >"$CONF"

# --- 3. the service --------------------------------------------------------------
if answers; then
  say "podman already answers at $HOST"
else
  rm -f "$SOCK"
  say "starting podman system service (storage $STATE_DIR/storage, log $STATE_DIR/log)"
  CONTAINERS_CONF="$CONF" setsid podman --root "$STATE_DIR/storage" --runroot "$STATE_DIR/run" \
    system service --time=0 "$HOST" >"$STATE_DIR/log" 2>&1 </dev/null 9>&- &
  echo $! >"$STATE_DIR/pid"
  for _ in $(seq 1 120); do
    answers && break
    kill -0 "$(cat "$STATE_DIR/pid")" 2>/dev/null || { tail -n 20 "$STATE_DIR/log" >&2; die "podman system service exited (log: $STATE_DIR/log)"; }
    sleep 0.5
  done
  answers || die "podman system service did not answer within 60 s (log: $STATE_DIR/log)"
fi
# Like Docker's socket: root and the docker group (when there is one) may use it; podman makes it 0600.
group=root; getent group docker >/dev/null && group=docker
chgrp "$group" "$SOCK" && chmod 660 "$SOCK"

# --- 4. the test images ----------------------------------------------------------
# The fully qualified name Podman gives a short name (docker.io/library/debian:latest).
qualified() {
  local first="${1%%/*}"
  if [ "$first" = "$1" ]; then printf 'docker.io/library/%s\n' "$1"
  elif [[ "$first" == *.* || "$first" == *:* || "$first" == localhost ]]; then printf '%s\n' "$1"
  else printf 'docker.io/%s\n' "$1"; fi
}
if [ "${WDLRUN_SKIP_IMAGES:-0}" != 1 ]; then
  main_host="${WDLRUN_MAIN_DOCKER_HOST:-}"
  if [ -z "$main_host" ]; then
    main_host="$(bash "$HERE/setup-docker.sh" | tail -n 1)"
    main_host="${main_host#DOCKER_HOST=}"
  fi
  mapfile -t names < <(test_image_names)
  mapfile -t want < <(DOCKER_HOST="$main_host" docker image inspect --format '{{.Id}}' "${names[@]}") \
    || die "the test images are not all in the main engine ($main_host): run scripts/setup-docker.sh"
  # What Podman holds now: "name id" for every tag.
  have="$(pm images --noheading --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}')"
  holds() { grep -qxF "$1 ${2#sha256:}" <<<"$have" || grep -qxF "$1 $2" <<<"$have"; }
  missing=()
  for i in "${!names[@]}"; do holds "$(qualified "${names[$i]}")" "${want[$i]}" || missing+=("${names[$i]}"); done
  if [ ${#missing[@]} -gt 0 ]; then
    loaded=0
    for i in "${!names[@]}"; do holds "localhost/${names[$i]}" "${want[$i]}" || holds "${names[$i]}" "${want[$i]}" || loaded=1; done
    if [ $loaded = 1 ]; then
      say "copying the test images from the main engine (docker save | podman load, about 25 s)"
      DOCKER_HOST="$main_host" docker save "${names[@]}" | pm load -q >/dev/null
    fi
    for name in "${missing[@]}"; do
      source="$name"; holds "localhost/$name" "$(DOCKER_HOST="$main_host" docker image inspect --format '{{.Id}}' "$name")" && source="localhost/$name"
      pm tag "$source" "$(qualified "$name")"
    done
    say "tagged ${missing[*]} (also as docker.io/…)"
  else
    say "test images present"
  fi
fi

say "podman $(pm version --format '{{.Server.Version}}' 2>/dev/null || pm version --format '{{.Version}}') answers at $HOST"
echo "PODMAN_HOST=$HOST"
