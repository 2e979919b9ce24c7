/**
 * Ending a container for good, shared by the docker and swarm backends: the
 * forced stop of an aborted attempt first hands the files back to the user
 * (kill the command's processes, then chown, by an exec in the same
 * container: no second container) so that the run directory stays the user's
 * even when the command ignored SIGTERM, then removes it; every step is
 * bounded in time.
 */
import type Docker from "dockerode";
import type { ContainerPath } from "../backend.js";
import { handBackScript, type FileOwner } from "./wrapper.js";

/** The most an exec that hands files back, or a removal, may take. */
const STEP_TIMEOUT_MS = 10_000;

/**
 * Ends an aborted attempt's container for good: when files must be handed
 * back, first kills every process of the command inside the container (PID 1,
 * the wrapper, is spared: it then runs its own chown) and chowns `paths` to
 * `owner` by an exec, then removes the container with `remove`. Each step is
 * bounded in time; never rejects.
 */
export async function forceStop(container: Docker.Container, owner: FileOwner | undefined, paths: readonly ContainerPath[], remove: () => Promise<void>): Promise<void> {
  if (owner !== undefined && paths.length > 0) await withTimeout(execToEnd(container, `kill -KILL -1 2>/dev/null; ${handBackScript(owner, paths)}`), STEP_TIMEOUT_MS, undefined);
  await withTimeout(remove(), STEP_TIMEOUT_MS, undefined);
}

/** Runs `script` with /bin/sh in the running container and resolves when it has ended (or cannot run). */
export async function execToEnd(container: Docker.Container, script: string): Promise<void> {
  try {
    const exec = await container.exec({ Cmd: ["/bin/sh", "-c", script], AttachStdout: false, AttachStderr: false });
    await exec.start({ Detach: true });
    for (;;) {
      const state = (await exec.inspect()) as { Running?: boolean };
      if (state.Running !== true) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch {
    // Not running any more (its wrapper has ended and chowned), or the engine is gone.
  }
}

/** `p`, or `fallback` when it has not settled within `ms` (or rejects). */
export function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p.catch(() => fallback), new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]).finally(() => clearTimeout(timer));
}
