#!/usr/bin/env bash
# setup-swarm.sh: a three-node Docker Swarm on this one machine for wdlrun's
# swarm tests: three dockerd processes of their OWN (each its socket, data root
# and exec root, apart from the engine that scripts/setup-docker.sh gives the
# Docker tests), on three loopback addresses, each advertising different
# stand-in GPUs as generic resources, all three with the offline test images.
#
#   bash scripts/setup-swarm.sh start          # prints DOCKER_HOST=<manager url> as its last stdout line
#   bash scripts/setup-swarm.sh stop           # leaves the swarm and stops the three dockerd
#   bash scripts/setup-swarm.sh stop --purge   # ... and deletes their data roots
#   bash scripts/setup-swarm.sh nodes          # one line per node: N ADDRESS SOCKET-URL RESOURCES
#   bash scripts/setup-swarm.sh node-stop N    # stops node N's dockerd (a node going away); `start` brings it back
#   bash scripts/setup-swarm.sh worker-start   # a fourth, throw-away dockerd joins as a worker (one
#                                              # NVIDIA-GPU, no image); prints WORKER_HOST=<url>
#   bash scripts/setup-swarm.sh worker-stop    # it is removed from the swarm, stopped, discarded
#
# The nodes (N ADDRESS GENERIC-RESOURCES):
#   1  127.0.0.11  NVIDIA-GPU=GPU-node1-a NVIDIA-GPU=GPU-node1-b   the manager
#   2  127.0.0.12  NVIDIA-GPU=GPU-node2-a                          a worker
#   3  127.0.0.13  NVIDIA-H100=GPU-node3-h100                      a worker
# No node has a GPU: a generic resource is only a name the node advertises,
# which swarm hands to one task at a time (DOCKER_RESOURCE_<KIND>=<id> in the
# task's container), as it would a real GPU's UUID.
#
# start, each step skipped when already done (so a second start is quick, and
# a node stopped by node-stop is started again and rejoins):
#   1. start each node's dockerd with its --node-generic-resource flags (no
#      bridge, no iptables, like setup-docker.sh), unless one answers on its socket;
#   2. node 1: `docker swarm init --advertise-addr A1 --listen-addr A1:PORT`;
#      nodes 2 and 3: `docker swarm join` with their own address (a node that
#      thinks it is in a swarm the manager does not know leaves it first);
#      then wait until the manager lists all three Ready;
#   3. the test images: every name setup-docker.sh gives them (engine-common.sh
#      lists them), copied from the main engine into each node with
#      docker save | docker load when any is missing or out of date.
# The data roots are kept by `stop` (the images stay loaded for the next start).
#
# Environment:
#   WDLRUN_SWARM_DIR        state folders are $WDLRUN_SWARM_DIR-1, -2, -3 (default /tmp/wdlrun-swarm)
#   WDLRUN_SWARM_ADDRS      the three loopback addresses (default "127.0.0.11 127.0.0.12 127.0.0.13")
#   WDLRUN_SWARM_PORT       swarm listen port on each address (default 2377)
#   WDLRUN_MAIN_DOCKER_HOST the engine that holds the test images (default: the
#                           last line of scripts/setup-docker.sh)
set -euo pipefail

ACTION="${1:-start}"
BASE="${WDLRUN_SWARM_DIR:-/tmp/wdlrun-swarm}"
read -r -a ADDRS <<<"${WDLRUN_SWARM_ADDRS:-127.0.0.11 127.0.0.12 127.0.0.13}"
PORT="${WDLRUN_SWARM_PORT:-2377}"
RESOURCES=(
  ""
  "NVIDIA-GPU=GPU-node1-a NVIDIA-GPU=GPU-node1-b"
  "NVIDIA-GPU=GPU-node2-a"
  "NVIDIA-H100=GPU-node3-h100"
)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "${#ADDRS[@]}" = 3 ] || { echo "setup-swarm: error: WDLRUN_SWARM_ADDRS must name 3 addresses" >&2; exit 1; }

WORKER_DIR="$BASE-worker"
WORKER_ADDR="${WDLRUN_SWARM_WORKER_ADDR:-127.0.0.14}"

say() { printf 'setup-swarm: %s\n' "$*" >&2; }
die() { printf 'setup-swarm: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=engine-common.sh
. "$HERE/engine-common.sh"

dir_of() { echo "$BASE-$1"; }
host_of() { echo "unix://$(dir_of "$1")/docker.sock"; }
addr_of() { echo "${ADDRS[$(($1 - 1))]}"; }
# `d N ARGS…`: the docker client against node N (N = w: the throw-away worker).
d() {
  local n="$1"; shift
  if [ "$n" = w ]; then DOCKER_HOST="unix://$WORKER_DIR/docker.sock" docker "$@"
  else DOCKER_HOST="$(host_of "$n")" docker "$@"; fi
}
answers() { d "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
node_id() { d "$1" info --format '{{.Swarm.NodeID}}' 2>/dev/null || true; }
swarm_state() { d "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true; }

# Kills the dockerd whose state folder is $1, and its containerd, at once (for a
# throw-away worker with no running containers: a graceful stop of a removed
# swarm node takes seconds), then discards the folder.
discard_dockerd() {
  local f
  for f in "$1/pid" "$1/exec/containerd/containerd.pid"; do
    [ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  sleep 0.2
  unmount_under "$1"
  rm -rf "$1" 2>/dev/null || say "could not remove all of $1"
}

# Unmounts (lazily, deepest first) whatever a killed dockerd left mounted under folder $1 (netns, overlays).
unmount_under() {
  local m
  awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

stop_all() {
  [ -d "$WORKER_DIR" ] && discard_dockerd "$WORKER_DIR"
  local n
  for n in 3 2 1; do
    if answers "$n"; then d "$n" swarm leave --force >/dev/null 2>&1 || true; fi
    say "stopping node $n's dockerd"
    stop_dockerd "$(dir_of "$n")"
    # The swarm's ingress network leaves a network namespace mounted per swarm the node was in.
    unmount_under "$(dir_of "$n")/exec/netns"
    if [ "${1:-}" = "--purge" ]; then
      unmount_under "$(dir_of "$n")"
      rm -rf "$(dir_of "$n")" 2>/dev/null || say "could not remove all of $(dir_of "$n")"
    fi
  done
  say "stopped"
}

# 1. Starts node N's dockerd unless it answers.
start_node() {
  local n="$1" args=() r
  answers "$n" && return 0
  for r in ${RESOURCES[$n]}; do args+=(--node-generic-resource "$r"); done
  say "starting node $n's dockerd ($(dir_of "$n"), $(addr_of "$n"), ${RESOURCES[$n]})"
  start_dockerd "$(dir_of "$n")" "${args[@]}"
}

# 2. Node 1 makes the swarm; node N > 1 joins it.
swarm_node() {
  local n="$1" addr; addr="$(addr_of "$n")"
  if [ "$n" = 1 ]; then
    [ "$(swarm_state 1)" = active ] && return 0
    say "docker swarm init ($addr:$PORT)"
    d 1 swarm init --advertise-addr "$addr" --listen-addr "$addr:$PORT" --data-path-port 4799 >/dev/null \
      || die "docker swarm init failed (log: $(dir_of 1)/log)"
    return 0
  fi
  local id; id="$(node_id "$n")"
  if [ "$(swarm_state "$n")" = active ] && [ -n "$id" ] && d 1 node inspect "$id" >/dev/null 2>&1; then return 0; fi
  # In another swarm (the manager was purged), or half-joined: start over.
  [ "$(swarm_state "$n")" != inactive ] && d "$n" swarm leave --force >/dev/null 2>&1 || true
  say "node $n joins the swarm ($addr:$PORT)"
  d "$n" swarm join --token "$(d 1 swarm join-token -q worker)" --advertise-addr "$addr" \
    --listen-addr "$addr:$PORT" "$(addr_of 1):$PORT" >/dev/null || die "node $n could not join the swarm (log: $(dir_of "$n")/log)"
}

# Waits until the manager lists the nodes N… as Ready (a restarted worker takes a few seconds).
wait_ready() {
  local n id
  for _ in $(seq 1 120); do
    local all=1
    for n in "$@"; do
      id="$(node_id "$n")"
      [ -n "$id" ] && [ "$(d 1 node inspect --format '{{.Status.State}}' "$id" 2>/dev/null)" = ready ] || all=0
    done
    [ "$all" = 1 ] && return 0
    sleep 0.5
  done
  die "the swarm's nodes did not all become Ready within 60 s (docker node ls on $(host_of 1))"
}

# 3. Loads every test image name into node N from the main engine when any is missing or differs.
load_images() {
  local n="$1" name stale=() have
  have="$(d "$n" image ls --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}')"
  for name in "${names[@]}"; do
    grep -qxF "$name ${want[$name]}" <<<"$have" || stale+=("$name")
  done
  [ ${#stale[@]} -eq 0 ] && return 0
  say "node $n: copying the test images from the main engine (docker save | docker load): ${stale[*]}"
  main save "${names[@]}" | d "$n" load >/dev/null
}

case "$ACTION" in
  stop)
    stop_all "${2:-}"
    exit 0
    ;;
  nodes)
    for n in 1 2 3; do echo "$n $(addr_of "$n") $(host_of "$n") ${RESOURCES[$n]}"; done
    exit 0
    ;;
  node-stop)
    n="${2:-}"
    [[ "$n" =~ ^[23]$ ]] || die "usage: setup-swarm.sh node-stop 2|3 (a worker; the manager is node 1)"
    say "stopping node $n's dockerd"
    stop_dockerd "$(dir_of "$n")"
    exit 0
    ;;
  worker-start)
    answers 1 || die "the swarm test engine is not running: run setup-swarm.sh start first"
    if ! answers w; then
      say "starting a throw-away worker dockerd ($WORKER_DIR, $WORKER_ADDR, NVIDIA-GPU=GPU-worker-a)"
      start_dockerd "$WORKER_DIR" --node-generic-resource "NVIDIA-GPU=GPU-worker-a"
    fi
    if [ "$(swarm_state w)" != active ]; then
      d w swarm join --token "$(d 1 swarm join-token -q worker)" --advertise-addr "$WORKER_ADDR" \
        --listen-addr "$WORKER_ADDR:$PORT" "$(addr_of 1):$PORT" >/dev/null || die "docker swarm join failed (log: $WORKER_DIR/log)"
    fi
    say "worker $(node_id w) joined the swarm"
    echo "WORKER_HOST=unix://$WORKER_DIR/docker.sock"
    exit 0
    ;;
  worker-stop)
    # Removed on the manager's side (a worker's own `swarm leave` waits 5 s), then discarded.
    id="$(node_id w)"
    [ -n "$id" ] && answers 1 && d 1 node rm --force "$id" >/dev/null 2>&1 || true
    discard_dockerd "$WORKER_DIR"
    say "worker stopped"
    exit 0
    ;;
  start) ;;
  *) die "usage: setup-swarm.sh start | stop [--purge] | nodes | node-stop N | worker-start | worker-stop" ;;
esac

command -v docker >/dev/null || die "the docker client is missing: run scripts/setup-docker.sh first"
mkdir -p "$(dir_of 1)"
exec 9>"$(dir_of 1).lock"
flock 9

for n in 1 2 3; do start_node "$n"; done
for n in 1 2 3; do swarm_node "$n"; done
wait_ready 1 2 3

main_host="${WDLRUN_MAIN_DOCKER_HOST:-}"
if [ -z "$main_host" ]; then
  main_host="$(bash "$HERE/setup-docker.sh" | tail -n 1)"
  main_host="${main_host#DOCKER_HOST=}"
fi
main() { DOCKER_HOST="$main_host" docker "$@"; }
mapfile -t names < <(test_image_names)
declare -A want
listed="$(main image ls --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}')"
for name in "${names[@]}"; do
  want[$name]="$(awk -v n="$name" '$1 == n { print $2 }' <<<"$listed")"
  [ -n "${want[$name]}" ] || die "$name is not in the main engine ($main_host): run scripts/setup-docker.sh"
done
for n in 1 2 3; do load_images "$n"; done

say "swarm test engines ready: manager $(host_of 1), $(d 1 info --format '{{.Swarm.Nodes}}') nodes"
echo "DOCKER_HOST=$(host_of 1)"
