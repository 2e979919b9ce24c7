/**
 * The small POSIX sh script that is each task container's main process: it
 * runs the command file with the configured shell (stdout/stderr into the
 * mounted files), forwards a stop signal to it, then hands the files the task
 * wrote back to the user who ran wdlrun (chown, same container, no second
 * one), clears set-id bits on them, marks an out-of-memory kill the engine
 * may not report, and exits with the command's exit status.
 */
import { CONTAINER_COMMAND, CONTAINER_STDERR, CONTAINER_STDOUT } from "./layout.js";
import type { ContainerPath } from "../backend.js";

/** Who should own the files a task wrote; undefined = leave them as written (root). */
export interface FileOwner {
  readonly uid: number;
  readonly gid: number;
}

/** Quotes a string for POSIX sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that hands `paths` (recursively) to `owner` (when there is one)
 * and clears every set-id bit in them (a setuid-root file in the run directory
 * would hand root to any local user): the wrapper's last step, and what a
 * forced stop runs in the container when the wrapper could not get there.
 */
export function handBackScript(owner: FileOwner | undefined, paths: readonly ContainerPath[]): string {
  const quoted = paths.map(shQuote).join(" ");
  const chmod = `chmod -R ug-s ${quoted} 2>/dev/null`;
  return owner === undefined ? chmod : `chown -R ${owner.uid}:${owner.gid} ${quoted} 2>/dev/null; ${chmod}`;
}

/**
 * The wrapper script. `shell` runs the command (e.g. `bash`); `chownPaths` are
 * chowned recursively to `owner` after the command ends, whatever its status.
 * As PID 1 the wrapper gets no default signal handling, so it traps TERM/INT
 * and passes them on; `wait` is repeated until the command has really ended.
 */
export function wrapperScript(shell: string, owner: FileOwner | undefined, chownPaths: readonly ContainerPath[]): string {
  return wrapAround(`${shell} ${CONTAINER_COMMAND} >${CONTAINER_STDOUT} 2>${CONTAINER_STDERR} </dev/null`, owner, chownPaths, [OOM_MARK_SCRIPT]);
}

/** What the wrapper prints on its own stdout (the container's log) when its command was killed for memory. */
export const OOM_MARK = "wdlrun: oom-kill";

/**
 * Marks an out-of-memory kill where the engine does not report one (Podman on
 * cgroup v1 never sets OOMKilled): the command died by SIGKILL (status 137)
 * and the container's memory cgroup counted an OOM kill (cgroup v1
 * `memory.oom_control`, v2 `memory.events`).
 */
const OOM_MARK_SCRIPT =
  `[ "$rc" = 137 ] && grep -qs '^oom_kill [1-9]' /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events && echo '${OOM_MARK}'`;

/**
 * The wrapper around one command line `run` (started in the background): it
 * traps TERM/INT and passes them on, waits until the command has really
 * ended, chowns `chownPaths` recursively to `owner` (when given) whatever the
 * status, and exits with the command's status; `after` are lines run once the
 * command has ended (before the hand-back). `alongside`, when given, is a
 * script run in the background while the command runs (it knows the
 * command's pid as `$child`) and killed when it ends. Shared with the swarm
 * wrapper.
 */
export function wrapAround(run: string, owner: FileOwner | undefined, chownPaths: readonly ContainerPath[], after: readonly string[] = [], alongside?: string): string {
  const lines = [
    `trap 'kill -TERM "$child" 2>/dev/null' TERM INT`,
    `${run} &`,
    `child=$!`,
    ...(alongside !== undefined ? [`(${alongside}) &`, `beside=$!`] : []),
    `wait "$child"; rc=$?`,
    `while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done`,
    ...(alongside !== undefined ? [`kill "$beside" 2>/dev/null`] : []),
  ];
  lines.push(...after);
  if (chownPaths.length > 0) lines.push(handBackScript(owner, chownPaths));
  lines.push(`exit "$rc"`);
  return lines.join("\n");
}
