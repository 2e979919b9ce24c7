#!/usr/bin/env bash
# setup-swarm.sh: a single-node Docker Swarm for wdlrun's swarm tests, on its OWN
# dockerd (separate socket, data root and exec root from the engine that
# scripts/setup-docker.sh gives the Docker tests), advertising fake GPUs as
# generic resources, with the offline test image loaded.
#
#   bash scripts/setup-swarm.sh start   # prints DOCKER_HOST=<url> as its last stdout line
#   bash scripts/setup-swarm.sh stop    # leaves the swarm and stops that dockerd
#   bash scripts/setup-swarm.sh stop --purge   # ... and deletes its data root
#   bash scripts/setup-swarm.sh worker-start   # a third dockerd joins as a worker (one fake
#                                              # GPU, no image); prints WORKER_HOST=<url>
#   bash scripts/setup-swarm.sh worker-stop    # it is removed from the swarm, stopped, discarded
#
# start, each step skipped when already done:
#   1. start dockerd with --node-generic-resource KIND=ID for each fake GPU
#      (no bridge, no iptables, like setup-docker.sh), unless one already
#      answers on this script's socket;
#   2. `docker swarm init --advertise-addr 127.0.0.1` on it (listen port
#      $WDLRUN_SWARM_PORT, default 2477, so a swarm on the main engine's usual
#      2377 is left alone);
#   3. the test images: every name setup-docker.sh gives them
#      (engine-common.sh lists them), copied from the main engine with
#      docker save | docker load when any is missing or out of date.
# The data root is kept by `stop` (the image stays loaded for the next start).
#
# Environment:
#   WDLRUN_SWARMD_DIR     state folder (default /tmp/wdlrun-swarmd)
#   WDLRUN_SWARM_GPUS     fake GPU ids (default "GPU-fake0001 GPU-fake0002"; "" = none)
#   WDLRUN_SWARM_GPU_KIND their generic-resource kind (default NVIDIA-GPU)
#   WDLRUN_SWARM_PORT     swarm listen port on 127.0.0.1 (default 2477)
#   WDLRUN_MAIN_DOCKER_HOST the engine that holds the test image (default: the
#                         last line of scripts/setup-docker.sh)
set -euo pipefail

ACTION="${1:-start}"
STATE_DIR="${WDLRUN_SWARMD_DIR:-/tmp/wdlrun-swarmd}"
SOCK="$STATE_DIR/docker.sock"
HOST="unix://$SOCK"
PORT="${WDLRUN_SWARM_PORT:-2477}"
KIND="${WDLRUN_SWARM_GPU_KIND:-NVIDIA-GPU}"
GPUS="${WDLRUN_SWARM_GPUS-GPU-fake0001 GPU-fake0002}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

WORKER_DIR="$STATE_DIR-worker"
WORKER_HOST="unix://$WORKER_DIR/docker.sock"

say() { printf 'setup-swarm: %s\n' "$*" >&2; }
die() { printf 'setup-swarm: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=engine-common.sh
. "$HERE/engine-common.sh"
answers() { DOCKER_HOST="$HOST" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
sw() { DOCKER_HOST="$HOST" docker "$@"; }

stop() {
  [ -d "$WORKER_DIR" ] && discard_dockerd "$WORKER_DIR"
  if [ -S "$SOCK" ] && answers; then
    sw swarm leave --force >/dev/null 2>&1 || true
  fi
  say "stopping dockerd"
  stop_dockerd "$STATE_DIR"
  if [ "${2:-}" = "--purge" ]; then
    say "removing $STATE_DIR"
    umount -R "$STATE_DIR/exec" 2>/dev/null || true
    umount "$STATE_DIR/data" 2>/dev/null || true
    rm -rf "$STATE_DIR"
  fi
  say "stopped"
}

# Kills the dockerd whose state folder is $1, and its containerd, at once (for a
# throw-away worker with no running containers: a graceful stop of a removed
# swarm node takes seconds), then discards the folder.
discard_dockerd() {
  local f
  for f in "$1/pid" "$1/exec/containerd/containerd.pid"; do
    [ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  sleep 0.2
  umount -R "$1/exec" 2>/dev/null || true
  umount "$1/data" 2>/dev/null || true
  rm -rf "$1"
}

wk() { DOCKER_HOST="$WORKER_HOST" docker "$@"; }

if [ "$ACTION" = worker-start ]; then
  answers || die "the swarm test engine is not running: run setup-swarm.sh start first"
  if ! wk version >/dev/null 2>&1; then
    say "starting a worker dockerd ($WORKER_DIR, GPU: GPU-fakew001)"
    start_dockerd "$WORKER_DIR" --node-generic-resource "$KIND=GPU-fakew001"
  fi
  if [ "$(wk info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    wk swarm join --token "$(sw swarm join-token -q worker)" --advertise-addr 127.0.0.1 \
      --listen-addr "127.0.0.1:$((PORT + 1))" "127.0.0.1:$PORT" >/dev/null || die "docker swarm join failed (log: $WORKER_DIR/log)"
  fi
  say "worker $(wk info --format '{{.Swarm.NodeID}}') joined the swarm"
  echo "WORKER_HOST=$WORKER_HOST"
  exit 0
fi
if [ "$ACTION" = worker-stop ]; then
  # Removed on the manager's side (a worker's own `swarm leave` waits 5 s), then discarded.
  id="$(wk info --format '{{.Swarm.NodeID}}' 2>/dev/null || true)"
  [ -n "$id" ] && answers && sw node rm --force "$id" >/dev/null 2>&1 || true
  discard_dockerd "$WORKER_DIR"
  say "worker stopped"
  exit 0
fi
if [ "$ACTION" = stop ]; then stop "$@"; exit 0; fi
[ "$ACTION" = start ] || die "usage: setup-swarm.sh start | stop [--purge] | worker-start | worker-stop"

command -v docker >/dev/null || die "the docker client is missing: run scripts/setup-docker.sh first"
mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/setup.lock"
flock 9

# --- 1. dockerd ------------------------------------------------------------------
if answers; then
  say "the swarm test engine already answers at $HOST"
else
  args=()
  for id in $GPUS; do args+=(--node-generic-resource "$KIND=$id"); done
  say "starting dockerd (data root $STATE_DIR/data, log $STATE_DIR/log, GPUs: ${GPUS:-none})"
  start_dockerd "$STATE_DIR" "${args[@]}"
fi

# --- 2. the swarm ----------------------------------------------------------------
state="$(sw info --format '{{.Swarm.LocalNodeState}}')"
if [ "$state" != active ]; then
  say "docker swarm init (127.0.0.1:$PORT)"
  sw swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$PORT" --data-path-port 4799 >/dev/null \
    || die "docker swarm init failed (log: $STATE_DIR/log)"
fi

# --- 3. the test image -----------------------------------------------------------
main_host="${WDLRUN_MAIN_DOCKER_HOST:-}"
if [ -z "$main_host" ]; then
  main_host="$(bash "$HERE/setup-docker.sh" | tail -n 1)"
  main_host="${main_host#DOCKER_HOST=}"
fi
main() { DOCKER_HOST="$main_host" docker "$@"; }
# Every test image name, loaded from the main engine (one docker save | docker
# load, a few seconds) when any is missing here or differs from the main one's.
mapfile -t names < <(test_image_names)
stale=()
for name in "${names[@]}"; do
  want="$(main image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)"
  [ -n "$want" ] || die "$name is not in the main engine ($main_host): run scripts/setup-docker.sh"
  [ "$(sw image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)" = "$want" ] || stale+=("$name")
done
if [ ${#stale[@]} -gt 0 ]; then
  say "copying the test images from the main engine (docker save | docker load): ${stale[*]}"
  main save "${names[@]}" | sw load >/dev/null
fi
say "swarm test engine ready at $HOST ($(sw info --format '{{.Swarm.Nodes}}') node, GPUs: ${GPUS:-none})"
echo "DOCKER_HOST=$HOST"
