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
 *
 * wdlrun stops an aborted attempt through the attempt directory, which every
 * node shares, not through the engine (which reaches only the containers on
 * its own node): it writes into the file mounted at /mnt/wdlrun/stop, and the
 * wrapper, polling it, sends the command SIGTERM and after the grace SIGKILL,
 * then hands the files back and exits. The service's task then ends by
 * itself on whatever node it ran, and its logs (what the command printed)
 * can still be read before wdlrun removes it.
 */
import { CONTAINER_COMMAND, MOUNT_ROOT } from "../engine/layout.js";
import { shQuote, wrapAround, type FileOwner } from "../engine/wrapper.js";
import { containerPath, type ContainerPath } from "../backend.js";

/** Where a GPU task's container finds the ids wdlrun read back (the go-ahead for its command). */
export const CONTAINER_GPUS = containerPath(`${MOUNT_ROOT}/gpus`);

/** Where the container finds the file wdlrun writes to stop the attempt (empty until then). */
export const CONTAINER_STOP = containerPath(`${MOUNT_ROOT}/stop`);

/** How often the wrapper looks at the stop file, in seconds (what an abort may wait for it). */
export const STOP_POLL_SECONDS = 0.5;

/** How long a GPU task's wrapper waits for wdlrun's go-ahead, in tenths of a second. */
const GPU_WAIT_TENTHS = 1200;

/**
 * The wrapper script. `shell` runs the command (e.g. `bash`); `chownPaths`
 * are chowned recursively to `owner` after the command ends, whatever its
 * status. As PID 1 the wrapper gets no default signal handling, so it traps
 * TERM/INT and passes them on; `wait` is repeated until the command has ended.
 * `gpuKinds`, for a task given GPUs: their generic-resource kinds.
 * `graceSeconds`: how long the command has between SIGTERM and SIGKILL once
 * wdlrun writes the stop file.
 */
export function swarmWrapperScript(shell: string, owner: FileOwner | undefined, chownPaths: readonly ContainerPath[], graceSeconds: number, gpuKinds: readonly string[] = []): string {
  const run = wrapAround(`${shell} ${CONTAINER_COMMAND} </dev/null`, owner, chownPaths, [], stopWatcher(graceSeconds));
  return gpuKinds.length === 0 ? run : `${gpuPrelude(gpuKinds)}\n${run}`;
}

/** Polls the stop file; once wdlrun has written it, SIGTERM to the command, and SIGKILL after the grace. */
function stopWatcher(graceSeconds: number): string {
  const stop = shQuote(CONTAINER_STOP);
  return `while [ ! -s ${stop} ]; do sleep ${STOP_POLL_SECONDS}; done; kill -TERM "$child" 2>/dev/null; sleep ${Math.max(0, Math.ceil(graceSeconds))}; kill -KILL "$child" 2>/dev/null`;
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
    `  [ -s ${shQuote(CONTAINER_STOP)} ] && exit 130`,
    `  if [ "$n" -gt ${GPU_WAIT_TENTHS} ]; then echo "wdlrun: the GPU ids of this task never came from wdlrun (${CONTAINER_GPUS} stayed empty)" >&2; exit 125; fi`,
    `  sleep 0.1`,
    `done`,
    `[ -n "$NVIDIA_VISIBLE_DEVICES" ] || NVIDIA_VISIBLE_DEVICES="$(cat ${gate})"`,
    `export NVIDIA_VISIBLE_DEVICES`,
  ].join("\n");
}
