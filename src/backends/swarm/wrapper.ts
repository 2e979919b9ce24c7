/**
 * The POSIX sh script that is each swarm task container's main process. Like
 * the Docker backend's wrapper (../engine/wrapper.ts) it runs the command file
 * with the configured shell, passes a stop signal on, hands the files the
 * task wrote back to the user who ran wdlrun and exits with the command's
 * status; unlike it, the command's stdout and stderr stay the container's
 * own, so wdlrun collects them through the service logs API (the task may
 * run on another node, and its output reaches wdlrun through the manager).
 */
import { CONTAINER_COMMAND } from "../engine/layout.js";
import { wrapAround, type FileOwner } from "../engine/wrapper.js";
import type { ContainerPath } from "../backend.js";

/**
 * The wrapper script. `shell` runs the command (e.g. `bash`); `chownPaths`
 * are chowned recursively to `owner` after the command ends, whatever its
 * status. As PID 1 the wrapper gets no default signal handling, so it traps
 * TERM/INT and passes them on; `wait` is repeated until the command has ended.
 */
export function swarmWrapperScript(shell: string, owner: FileOwner | undefined, chownPaths: readonly ContainerPath[]): string {
  return wrapAround(`${shell} ${CONTAINER_COMMAND} </dev/null`, owner, chownPaths);
}
