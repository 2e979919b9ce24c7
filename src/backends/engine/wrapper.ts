/**
 * The small POSIX sh script that is each task container's main process: it
 * runs the command file with the configured shell (stdout/stderr into the
 * mounted files), forwards a stop signal to it, then hands the files the task
 * wrote back to the user who ran wdlrun (chown, same container, no second
 * one), clears set-id bits on them, and exits with the command's exit status.
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
  return wrapAround(`${shell} ${CONTAINER_COMMAND} >${CONTAINER_STDOUT} 2>${CONTAINER_STDERR} </dev/null`, owner, chownPaths);
}

/**
 * The wrapper around one command line `run` (started in the background): it
 * traps TERM/INT and passes them on, waits until the command has really
 * ended, chowns `chownPaths` recursively to `owner` (when given) whatever the
 * status, and exits with the command's status. Shared with the swarm wrapper.
 */
export function wrapAround(run: string, owner: FileOwner | undefined, chownPaths: readonly ContainerPath[]): string {
  const lines = [
    `trap 'kill -TERM "$child" 2>/dev/null' TERM INT`,
    `${run} &`,
    `child=$!`,
    `wait "$child"; rc=$?`,
    `while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done`,
  ];
  if (chownPaths.length > 0) lines.push(handBackScript(owner, chownPaths));
  lines.push(`exit "$rc"`);
  return lines.join("\n");
}
