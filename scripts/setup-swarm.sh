#!/usr/bin/env bash
# setup-swarm.sh: a single-node Docker Swarm for wdlrun's swarm tests, on its OWN
# dockerd (separate socket, data root and exec root from the engine that
# scripts/setup-docker.sh gives the Docker tests), advertising fake GPUs as
# generic resources, with the offline test image loaded.
#
#   bash scripts/setup-swarm.sh start   # prints DOCKER_HOST=<url> as its last stdout line
#   bash scripts/setup-swarm.sh stop    # leaves the swarm and stops that dockerd
#   bash scripts/setup-swarm.sh stop --purge   # ... and deletes its data root
#
# start, each step skipped when already done:
#   1. start dockerd with --node-generic-resource KIND=ID for each fake GPU
#      (no bridge, no iptables, like setup-docker.sh), unless one already
#      answers on this script's socket;
#   2. `docker swarm init --advertise-addr 127.0.0.1` on it (listen port
#      $WDLRUN_SWARM_PORT, default 2477, so a swarm on the main engine's usual
#      2377 is left alone);
#   3. the test image: imported from the rootfs tarball setup-docker.sh caches
#      (about 5 s), else copied from the main engine with docker save | load,
#      and tagged with every name the main engine gives that image.
# The data root is kept by `stop` (the image stays loaded for the next start).
#
# Environment:
#   WDLRUN_SWARMD_DIR     state folder (default /tmp/wdlrun-swarmd)
#   WDLRUN_SWARM_GPUS     fake GPU ids (default "GPU-fake0001 GPU-fake0002"; "" = none)
#   WDLRUN_SWARM_GPU_KIND their generic-resource kind (default NVIDIA-GPU)
#   WDLRUN_SWARM_PORT     swarm listen port on 127.0.0.1 (default 2477)
#   WDLRUN_MAIN_DOCKER_HOST the engine that holds the test image (default: the
#                         last line of scripts/setup-docker.sh)
#   WDLRUN_CACHE          where setup-docker.sh caches the rootfs tarball
set -euo pipefail

ACTION="${1:-start}"
STATE_DIR="${WDLRUN_SWARMD_DIR:-/tmp/wdlrun-swarmd}"
CACHE_DIR="${WDLRUN_CACHE:-${HOME:-/root}/.cache/wdlrun}"
SOCK="$STATE_DIR/docker.sock"
HOST="unix://$SOCK"
PORT="${WDLRUN_SWARM_PORT:-2477}"
KIND="${WDLRUN_SWARM_GPU_KIND:-NVIDIA-GPU}"
GPUS="${WDLRUN_SWARM_GPUS-GPU-fake0001 GPU-fake0002}"
# Keep in step with IMAGE_VERSION / BASE_IMAGE in setup-docker.sh.
BASE_IMAGE="wdlrun/test-debian:bookworm-v1"
TARBALL="$CACHE_DIR/debian-bookworm-minbase-v1.tar"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { printf 'setup-swarm: %s\n' "$*" >&2; }
die() { printf 'setup-swarm: error: %s\n' "$*" >&2; exit 1; }
answers() { DOCKER_HOST="$HOST" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
sw() { DOCKER_HOST="$HOST" docker "$@"; }

stop() {
  if [ -S "$SOCK" ] && answers; then
    sw swarm leave --force >/dev/null 2>&1 || true
  fi
  if [ -s "$STATE_DIR/pid" ]; then
    pid="$(cat "$STATE_DIR/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping dockerd (pid $pid)"
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && { say "dockerd did not stop in 15 s; killing it"; kill -9 "$pid" || true; }
    fi
  fi
  if [ "${2:-}" = "--purge" ]; then
    say "removing $STATE_DIR"
    umount -R "$STATE_DIR/exec" 2>/dev/null || true
    rm -rf "$STATE_DIR"
  fi
  say "stopped"
}

if [ "$ACTION" = stop ]; then stop "$@"; exit 0; fi
[ "$ACTION" = start ] || die "usage: setup-swarm.sh start | stop [--purge]"

command -v docker >/dev/null || die "the docker client is missing: run scripts/setup-docker.sh first"
mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/setup.lock"
flock 9

# --- 1. dockerd ------------------------------------------------------------------
if answers; then
  say "the swarm test engine already answers at $HOST"
else
  command -v dockerd >/dev/null || die "dockerd not found: run scripts/setup-docker.sh first (it installs docker.io)"
  [ "$(id -u)" = 0 ] || die "starting a dockerd needs root"
  args=()
  for id in $GPUS; do args+=(--node-generic-resource "$KIND=$id"); done
  mkdir -p "$STATE_DIR/data" "$STATE_DIR/exec"
  say "starting dockerd (data root $STATE_DIR/data, log $STATE_DIR/log, GPUs: ${GPUS:-none})"
  setsid dockerd \
    --data-root "$STATE_DIR/data" --exec-root "$STATE_DIR/exec" \
    -H "$HOST" --pidfile "$STATE_DIR/pid" \
    --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
    "${args[@]}" \
    >"$STATE_DIR/log" 2>&1 </dev/null 9>&- &
  pid=$!
  for _ in $(seq 1 120); do
    answers && break
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$STATE_DIR/log" >&2; die "dockerd exited (log: $STATE_DIR/log)"; }
    sleep 0.5
  done
  answers || { tail -n 20 "$STATE_DIR/log" >&2; die "dockerd did not answer within 60 s (log: $STATE_DIR/log)"; }
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
main_id="$(main image inspect --format '{{.Id}}' "$BASE_IMAGE" 2>/dev/null || true)"
[ -n "$main_id" ] || die "$BASE_IMAGE is not in the main engine ($main_host): run scripts/setup-docker.sh"
# The names the main engine gives the test image (setup-docker.sh's aliases).
mapfile -t names < <(main image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' --no-trunc | awk -v id="$main_id" '$2 == id { print $1 }')
if ! sw image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  if [ -s "$TARBALL" ]; then
    say "importing $BASE_IMAGE from $TARBALL"
    sw import -c 'CMD ["bash"]' -c 'LABEL org.wdlrun.test-image=1' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      "$TARBALL" "$BASE_IMAGE" >/dev/null
  else
    say "copying $BASE_IMAGE from the main engine (docker save | docker load)"
    main save "$BASE_IMAGE" | sw load >/dev/null
  fi
fi
for name in "${names[@]}"; do
  [ "$name" = "$BASE_IMAGE" ] || sw tag "$BASE_IMAGE" "$name"
done
say "swarm test engine ready at $HOST ($(sw info --format '{{.Swarm.Nodes}}') node, GPUs: ${GPUS:-none})"
echo "DOCKER_HOST=$HOST"
