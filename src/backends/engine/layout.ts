/**
 * Where an attempt's files appear inside its container: paths of wdlrun's
 * choosing, never the host's (so a host path with a space, a quote or `$(…)`
 * reaches no command, and the task learns nothing of the host's folders).
 * The working directory is /mnt/wdlrun/work, the command /mnt/wdlrun/command,
 * stdout/stderr /mnt/wdlrun/stdout|stderr, and each input is mounted
 * read-only at /mnt/wdlrun/inputs/<n>/<basename>, <n> numbering the inputs'
 * host folders (inputs from one folder share a folder and keep their names,
 * so an index beside its data file stays beside it). A rank of a gang also
 * sees the gang's hostfile at /mnt/wdlrun/hostfile. Pure.
 */
import path from "node:path";
import { containerPath, type AttemptFiles, type ContainerPath, type InputSpec } from "../backend.js";
import { AttemptLayout, type Mount } from "../layout.js";

/** The root of everything wdlrun mounts into a task container. */
export const MOUNT_ROOT = "/mnt/wdlrun";
/** The working directory as the command sees it. */
export const CONTAINER_WORK_DIR = containerPath(`${MOUNT_ROOT}/work`);
/** The command script inside the container. */
export const CONTAINER_COMMAND = containerPath(`${MOUNT_ROOT}/command`);
/** Where the command's stdout and stderr go inside the container. */
export const CONTAINER_STDOUT = containerPath(`${MOUNT_ROOT}/stdout`);
export const CONTAINER_STDERR = containerPath(`${MOUNT_ROOT}/stderr`);
/** A gang's hostfile (one rank's host name a line), read-only in every rank. */
export const CONTAINER_HOSTFILE = containerPath(`${MOUNT_ROOT}/hostfile`);
/** The folder that holds the inputs' folders. */
export const CONTAINER_INPUTS = containerPath(`${MOUNT_ROOT}/inputs`);

/**
 * Lays out an attempt: its own files at the fixed paths above, its inputs
 * one container folder per distinct host folder, basenames kept. Duplicates
 * are mounted once.
 */
export function dockerLayout(files: AttemptFiles, inputs: readonly InputSpec[]): AttemptLayout {
  const mounts: Mount[] = [
    { container: CONTAINER_WORK_DIR, host: files.workDir, source: files.workDir, directory: true, role: "work" },
    { container: CONTAINER_COMMAND, host: files.commandFile, source: files.commandFile, directory: false, role: "attempt" },
    { container: CONTAINER_STDOUT, host: files.stdoutFile, source: files.stdoutFile, directory: false, role: "attempt" },
    { container: CONTAINER_STDERR, host: files.stderrFile, source: files.stderrFile, directory: false, role: "attempt" },
  ];
  const folders = new Map<string, number>();
  const seen = new Set<string>();
  for (const input of inputs) {
    const host = path.resolve(input.host);
    if (seen.has(host)) continue;
    seen.add(host);
    const parent = path.dirname(host);
    let n = folders.get(parent);
    if (n === undefined) {
      n = folders.size;
      folders.set(parent, n);
    }
    const base = path.basename(host) || "root";
    const container: ContainerPath = containerPath(`${CONTAINER_INPUTS}/${n}/${base}`);
    mounts.push({ container, host: input.host, source: input.source, directory: input.directory, role: "input" });
  }
  return new AttemptLayout(mounts);
}

/** A bind mount as the Engine API takes it. */
export interface BindMount {
  readonly Type: "bind";
  readonly Source: string;
  readonly Target: string;
  readonly ReadOnly: boolean;
}

/**
 * The bind mounts of a layout: inputs, the command and a gang's hostfile
 * read-only, the working directory (and stdout/stderr, unless
 * `withOutputFiles` is false: swarm collects them through the logs API)
 * read-write. Sources are the checked,
 * symlink-free host paths.
 */
export function bindMounts(layout: AttemptLayout, withOutputFiles = true): BindMount[] {
  const outputFile = (m: Mount) => m.container === CONTAINER_STDOUT || m.container === CONTAINER_STDERR;
  return layout.mounts
    .filter((m) => withOutputFiles || !outputFile(m))
    .map((m) => ({ Type: "bind", Source: m.source, Target: m.container, ReadOnly: m.role === "input" || m.container === CONTAINER_COMMAND || m.container === CONTAINER_HOSTFILE }));
}
