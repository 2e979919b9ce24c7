#!/usr/bin/env bash
# engine-common.sh: what setup-docker.sh, setup-swarm.sh and setup-gpu-engine.sh
# share, sourced by each: the names of the offline test images, starting and
# stopping a private dockerd, and copying the test images between engines.
# The sourcing script defines say() and die().

# The test images. One Debian bookworm root (debootstrap) is imported as
# BASE_IMAGE and tagged with the Debian-based names the spec's examples use.
# Ubuntu names get *stand-ins*: the same root plus an /etc/lsb-release naming
# the Ubuntu release they stand in for (its description says it is a Debian
# stand-in), so a test can tell which image ran (e.g. ubuntu:focal vs latest).
# Bump ROOT_VERSION when the package list changes (new debootstrap), and
# IMAGE_VERSION when the images built from it change.
ROOT_VERSION=1
IMAGE_VERSION=2
BASE_IMAGE="wdlrun/test-debian:bookworm-v$IMAGE_VERSION"
ROOT_PACKAGES="python3,python-is-python3,procps,util-linux,pciutils"
DEBIAN_NAMES=(debian:bookworm debian:bookworm-slim debian:latest python:latest python:3)
# name=codename:release
UBUNTU_NAMES=(
  ubuntu:latest=noble:24.04
  ubuntu:24.04=noble:24.04
  ubuntu:noble=noble:24.04
  ubuntu:22.04=jammy:22.04
  ubuntu:jammy=jammy:22.04
  ubuntu:focal=focal:20.04
  ubuntu:20.04=focal:20.04
  quay.io/ubuntu:focal=focal:20.04
  gcr.io/standard-images/ubuntu:latest=noble:24.04
)
IMAGE_LABEL=org.wdlrun.test-image

# Every name the test images go by (base, stand-ins, and the names they are tagged with).
test_image_names() {
  local entry
  printf '%s\n' "$BASE_IMAGE" "${DEBIAN_NAMES[@]}"
  for entry in "${UBUNTU_NAMES[@]}"; do
    printf '%s\n' "${entry%%=*}"
    entry="${entry#*=}"; printf 'wdlrun/test-ubuntu:%s-v%s\n' "${entry%%:*}" "$IMAGE_VERSION"
  done | sort -u
}

# Starts a dockerd whose state (data root, exec root, socket, pid, log) lives in
# folder $1, with the remaining arguments added, and waits until it answers.
# A dockerd already starting there (its pid file names a live process) is waited
# for rather than doubled. Before a fresh start, libnetwork's local store is
# dropped: with --bridge=none it only records sandboxes, and an engine that died
# with containers running leaves one stale record per container, which the next
# start removes one by one (thousands took ten minutes). It is rebuilt on start.
# The wait ends after $WDLRUN_DOCKERD_WAIT seconds (default 300), with progress
# every 30 s, or at once when dockerd exits.
start_dockerd() {
  local dir="$1"; shift
  local sock="unix://$dir/docker.sock" pid="" waited=0 limit="${WDLRUN_DOCKERD_WAIT:-300}"
  command -v dockerd >/dev/null || die "dockerd not found: install docker.io (scripts/setup-docker.sh does)"
  [ "$(id -u)" = 0 ] || die "starting a dockerd needs root (run as root, or start an engine and set DOCKER_HOST)"
  mkdir -p "$dir/data" "$dir/exec"
  if [ -s "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null \
    && grep -q dockerd "/proc/$(cat "$dir/pid")/cmdline" 2>/dev/null; then
    pid="$(cat "$dir/pid")"
    say "a dockerd (pid $pid) is already starting in $dir; waiting for it"
  else
    rm -f "$dir/data/network/files/local-kv.db"
    setsid dockerd \
      --data-root "$dir/data" --exec-root "$dir/exec" \
      -H "$sock" --pidfile "$dir/pid" \
      --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
      "$@" \
      >"$dir/log" 2>&1 </dev/null 9>&- &
    pid=$!
  fi
  local start=$SECONDS next=30
  while :; do
    DOCKER_HOST="$sock" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$dir/log" >&2; die "dockerd exited (log: $dir/log)"; }
    waited=$((SECONDS - start))
    if [ "$waited" -ge "$limit" ]; then
      tail -n 20 "$dir/log" >&2
      die "dockerd did not answer within $limit s (log: $dir/log; WDLRUN_DOCKERD_WAIT sets the limit)"
    fi
    if [ "$waited" -ge "$next" ]; then
      say "dockerd still starting after $waited s: $(tail -n 1 "$dir/log" | cut -c 1-160)"
      next=$((next + 30))
    fi
    sleep 0.5
  done
}

# Stops the dockerd whose state folder is $1 (SIGTERM, then SIGKILL after 15 s).
stop_dockerd() {
  [ -s "$1/pid" ] || return 0
  local pid; pid="$(cat "$1/pid")"
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
}

# Copies every test image name from the engine at $1 to the engine at $2 (one
# docker save | docker load, a few seconds) when any is missing there or differs.
copy_test_images() {
  local from="$1" to="$2" name want stale=() names=()
  mapfile -t names < <(test_image_names)
  for name in "${names[@]}"; do
    want="$(DOCKER_HOST="$from" docker image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)"
    [ -n "$want" ] || die "$name is not in the main engine ($from): run scripts/setup-docker.sh"
    [ "$(DOCKER_HOST="$to" docker image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)" = "$want" ] || stale+=("$name")
  done
  if [ ${#stale[@]} -gt 0 ]; then
    say "copying the test images from $from (docker save | docker load): ${stale[*]}"
    DOCKER_HOST="$from" docker save "${names[@]}" | DOCKER_HOST="$to" docker load >/dev/null
  fi
}
