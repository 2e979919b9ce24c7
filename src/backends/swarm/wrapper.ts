/**
 * The POSIX sh script that is each swarm task container's main process. Like
 * the Docker backend's wrapper (../engine/wrapper.ts) it runs the command file
 * with the configured shell, passes a stop signal on, hands the files the
 * task wrote back to the user who ran wdlrun and exits with the command's
 * status; unlike it, the command's stdout and stderr stay the container's
 * own, so wdlrun collects them through the service logs API (the task may
 * run on another node, and its output reaches wdlrun through the manager).
 *
 * A task given GPUs first learns which: swarm puts the ids in the variable
 * `DOCKER_RESOURCE_<KIND>`, whose name (with its '-') a POSIX shell drops, so
 * the wrapper reads it from its own /proc/$$/environ and exports it as
 * NVIDIA_VISIBLE_DEVICES; then it waits until wdlrun has written the same ids
 * (read from the task through the API) to /mnt/wdlrun/gpus, which wdlrun does
 * after rendering the command again with them in `task.gpu`.
 */
import { CONTAINER_COMMAND, MOUNT_ROOT } from "../engine/layout.js";
import { shQuote, wrapAround, type FileOwner } from "../engine/wrapper.js";
import { containerPath, type ContainerPath } from "../backend.js";

/** Where a GPU task's container finds the ids wdlrun read back (the go-ahead for its command). */
export const CONTAINER_GPUS = containerPath(`${MOUNT_ROOT}/gpus`);

/** How long a GPU task's wrapper waits for wdlrun's go-ahead, in tenths of a second. */
const GPU_WAIT_TENTHS = 1200;

/**
 * The wrapper script. `shell` runs the command (e.g. `bash`); `chownPaths`
 * are chowned recursively to `owner` after the command ends, whatever its
 * status. As PID 1 the wrapper gets no default signal handling, so it traps
 * TERM/INT and passes them on; `wait` is repeated until the command has ended.
 * `gpuKinds`, for a task given GPUs: their generic-resource kinds.
 */
export function swarmWrapperScript(shell: string, owner: FileOwner | undefined, chownPaths: readonly ContainerPath[], gpuKinds: readonly string[] = []): string {
  const run = wrapAround(`${shell} ${CONTAINER_COMMAND} </dev/null`, owner, chownPaths);
  return gpuKinds.length === 0 ? run : `${gpuPrelude(gpuKinds)}\n${run}`;
}

/** Exports NVIDIA_VISIBLE_DEVICES from DOCKER_RESOURCE_<kind> of each kind (comma-separated), then waits for wdlrun's go-ahead. */
function gpuPrelude(kinds: readonly string[]): string {
  const scripts = kinds.map((kind) => `-e ${shQuote(`s/^DOCKER_RESOURCE_${kind.replace(/[.[\]*^$\\/]/g, "\\$&")}=//p`)}`).join(" ");
  const gate = shQuote(CONTAINER_GPUS);
  return [
    `NVIDIA_VISIBLE_DEVICES="$(tr '\\000' '\\n' </proc/$$/environ | sed -n ${scripts} | tr '\\n' ',' | sed 's/,$//')"`,
    `n=0`,
    `while [ ! -s ${gate} ]; do`,
    `  n=$((n + 1))`,
    `  if [ "$n" -gt ${GPU_WAIT_TENTHS} ]; then echo "wdlrun: the GPU ids of this task never came from wdlrun (${CONTAINER_GPUS} stayed empty)" >&2; exit 125; fi`,
    `  sleep 0.1`,
    `done`,
    `[ -n "$NVIDIA_VISIBLE_DEVICES" ] || NVIDIA_VISIBLE_DEVICES="$(cat ${gate})"`,
    `export NVIDIA_VISIBLE_DEVICES`,
  ].join("\n");
}
