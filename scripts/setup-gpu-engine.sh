#!/usr/bin/env bash
# setup-gpu-engine.sh: a Docker Engine that accepts GPU device requests without
# a GPU, for wdlrun's GPU tests, on its OWN dockerd (separate socket, data root
# and exec root from the engine of scripts/setup-docker.sh).
#
#   bash scripts/setup-gpu-engine.sh start   # last stdout lines: GPU_BIN=<dir>, DOCKER_HOST=<url>
#   bash scripts/setup-gpu-engine.sh stop    # stops that dockerd (the data root, with the images, stays)
#
# Two stand-ins, written into $STATE_DIR/bin:
#   nvidia-container-runtime-hook  reads its stdin and exits 0. dockerd registers its
#       `nvidia` device driver only when a program of that name is on its PATH; with it,
#       HostConfig.DeviceRequests are accepted and the container's environment holds
#       NVIDIA_VISIBLE_DEVICES=<the requested ids> (the variable the real hook reads). No
#       device is attached: the scheduling and the ids are what can be tested this way.
#       dockerd runs the hook only for a container with a device request; it appends the
#       container's NVIDIA_VISIBLE_DEVICES=… line to $STATE_DIR/hook.log, so tests see that
#       the request reached the runtime.
#   nvidia-smi  answers `-L` and the query wdlrun makes
#       (`--query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits`) from an
#       inventory file: $WDLRUN_FAKE_GPUS_FILE when set, else $STATE_DIR/gpus.csv (written
#       here: two H100 80GB, one A100 80GB, one A100 40GB). Its lines are the query's
#       answer: `index, uuid, name, memory MiB`. Tests put GPU_BIN first on wdlrun's PATH.
#
# start, each step skipped when already done:
#   1. the stand-ins and the default inventory;
#   2. dockerd with GPU_BIN first on its PATH (no bridge, no iptables, like
#      setup-docker.sh), unless one already answers on this script's socket;
#   3. the test images, copied from the main engine (docker save | docker load)
#      when any is missing or out of date.
# The last stdout line of start is `STARTED=1` when this call started dockerd
# (so a caller knows to stop it), before it `GPU_BIN=` and `DOCKER_HOST=`.
#
# Environment:
#   WDLRUN_GPUD_DIR          state folder (default /tmp/wdlrun-dockerd-gpus)
#   WDLRUN_MAIN_DOCKER_HOST  the engine that holds the test images (default: the
#                            last line of scripts/setup-docker.sh)
set -euo pipefail

ACTION="${1:-start}"
STATE_DIR="${WDLRUN_GPUD_DIR:-/tmp/wdlrun-dockerd-gpus}"
BIN="$STATE_DIR/bin"
HOST="unix://$STATE_DIR/docker.sock"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { printf 'setup-gpu-engine: %s\n' "$*" >&2; }
die() { printf 'setup-gpu-engine: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=engine-common.sh
. "$HERE/engine-common.sh"
answers() { DOCKER_HOST="$HOST" timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
gd() { DOCKER_HOST="$HOST" docker "$@"; }

if [ "$ACTION" = stop ]; then
  say "stopping dockerd"
  stop_dockerd "$STATE_DIR"
  say "stopped"
  exit 0
fi
[ "$ACTION" = start ] || die "usage: setup-gpu-engine.sh start | stop"
command -v docker >/dev/null || die "the docker client is missing: run scripts/setup-docker.sh first"
mkdir -p "$BIN"
exec 9>"$STATE_DIR/setup.lock"
flock 9

# --- 1. the stand-ins ------------------------------------------------------------
cat >"$BIN/nvidia-container-runtime-hook" <<'EOF'
#!/bin/sh
# wdlrun's stand-in for the NVIDIA container runtime hook (scripts/setup-gpu-engine.sh):
# the OCI runtime hands it the container's state on stdin; it attaches nothing and logs
# the devices asked for (the last NVIDIA_VISIBLE_DEVICES of the bundle's config.json).
state="$(cat)"
bundle="$(printf '%s' "$state" | sed -n 's/.*"bundle":"\([^"]*\)".*/\1/p')"
if [ -n "$bundle" ] && [ -r "$bundle/config.json" ]; then
  grep -o 'NVIDIA_VISIBLE_DEVICES=[^"]*' "$bundle/config.json" | tail -n 1 >>"$(dirname "$0")/../hook.log"
fi
exit 0
EOF
cat >"$BIN/nvidia-smi" <<'EOF'
#!/bin/sh
# wdlrun's stand-in for nvidia-smi (scripts/setup-gpu-engine.sh): answers from an
# inventory file of `index, uuid, name, memory MiB` lines.
inventory="${WDLRUN_FAKE_GPUS_FILE:-$(dirname "$0")/../gpus.csv}"
[ -r "$inventory" ] || { echo "nvidia-smi (stand-in): no inventory at $inventory" >&2; exit 9; }
case "$*" in
  -L)
    while IFS=, read -r index uuid name memory; do
      [ -n "$index" ] || continue
      printf 'GPU %s: %s (UUID: %s)\n' "$index" "$(echo $name)" "$(echo $uuid)"
    done <"$inventory"
    ;;
  "--query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits")
    cat "$inventory"
    ;;
  *)
    echo "nvidia-smi (stand-in): only -L and --query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits are supported" >&2
    exit 2
    ;;
esac
EOF
chmod 755 "$BIN/nvidia-container-runtime-hook" "$BIN/nvidia-smi"
cat >"$STATE_DIR/gpus.csv" <<'EOF'
0, GPU-7d1f0e2a-0000-4000-8000-0000000000a0, NVIDIA H100 80GB HBM3, 81559
1, GPU-7d1f0e2a-0000-4000-8000-0000000000a1, NVIDIA H100 80GB HBM3, 81559
2, GPU-7d1f0e2a-0000-4000-8000-0000000000a2, NVIDIA A100-SXM4-80GB, 81920
3, GPU-7d1f0e2a-0000-4000-8000-0000000000a3, NVIDIA A100-SXM4-40GB, 40960
EOF

# --- 2. dockerd --------------------------------------------------------------------
started=0
if answers; then
  say "the GPU test engine already answers at $HOST"
else
  say "starting dockerd with the stand-in NVIDIA hook (data root $STATE_DIR/data, log $STATE_DIR/log)"
  PATH="$BIN:$PATH" start_dockerd "$STATE_DIR"
  started=1
fi

# --- 3. the test images ------------------------------------------------------------
main_host="${WDLRUN_MAIN_DOCKER_HOST:-}"
if [ -z "$main_host" ]; then
  main_host="$(bash "$HERE/setup-docker.sh" | tail -n 1)"
  main_host="${main_host#DOCKER_HOST=}"
fi
copy_test_images "$main_host" "$HOST"
say "GPU test engine ready at $HOST (stand-ins in $BIN)"
echo "GPU_BIN=$BIN"
echo "DOCKER_HOST=$HOST"
echo "STARTED=$started"
