/**
 * Where an attempt's files appear inside its container, and the way back:
 * the working directory at /mnt/wdlrun/work, the command at
 * /mnt/wdlrun/command, stdout/stderr at /mnt/wdlrun/stdout|stderr, and each
 * input read-only at its own host path (so a host path that reaches the
 * command by any route, e.g. a File interpolated inside a string, still
 * works, and inputs from one folder share a folder and keep their names).
 * Inputs under system folders of the image (/etc, /usr, ...) go instead to
 * /mnt/wdlrun/inputs/<n>/<basename>, <n> numbering their host folders.
 * Pure functions.
 */
import path from "node:path";
import { containerPath, hostPath, type AttemptLayout, type ContainerPath, type HostPath, type InputMount } from "../backend.js";

/** The root of everything wdlrun mounts into a task container. */
export const MOUNT_ROOT = "/mnt/wdlrun";
/** The working directory as the command sees it. */
export const CONTAINER_WORK_DIR = containerPath(`${MOUNT_ROOT}/work`);
/** The command script inside the container. */
export const CONTAINER_COMMAND = containerPath(`${MOUNT_ROOT}/command`);
/** Where the command's stdout and stderr go inside the container. */
export const CONTAINER_STDOUT = containerPath(`${MOUNT_ROOT}/stdout`);
export const CONTAINER_STDERR = containerPath(`${MOUNT_ROOT}/stderr`);
const INPUTS_ROOT = `${MOUNT_ROOT}/inputs`;

/** Folders that belong to the image: an input there would hide part of it, so it is mounted elsewhere. */
const SYSTEM_FOLDERS = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/run", "/sbin", "/sys", "/usr", "/var", MOUNT_ROOT];

/** True when an input can appear at its own host path inside the container. */
export function keepsHostPath(p: string): boolean {
  return p !== "/" && !SYSTEM_FOLDERS.some((s) => p === s || p.startsWith(s + "/"));
}

/**
 * Lays out an attempt's inputs: at their host paths, or (under system
 * folders) one container folder per distinct host parent folder, basenames
 * kept. Duplicates are mounted once.
 */
export function dockerLayout(inputs: readonly { readonly host: HostPath; readonly directory: boolean }[]): AttemptLayout {
  const folders = new Map<string, number>();
  const seen = new Set<string>();
  const mounts: InputMount[] = [];
  for (const input of inputs) {
    const host = path.resolve(input.host);
    if (seen.has(host)) continue;
    seen.add(host);
    if (keepsHostPath(host)) {
      mounts.push({ host: hostPath(host), container: containerPath(host), directory: input.directory });
      continue;
    }
    const parent = path.dirname(host);
    let n = folders.get(parent);
    if (n === undefined) {
      n = folders.size;
      folders.set(parent, n);
    }
    const base = path.basename(host) || "root";
    mounts.push({ host: hostPath(host), container: containerPath(`${INPUTS_ROOT}/${n}/${base}`), directory: input.directory });
  }
  return { workDir: CONTAINER_WORK_DIR, inputs: mounts };
}

/** The host files behind the fixed container paths of one attempt. */
export interface AttemptFiles {
  readonly workDir: HostPath;
  readonly stdoutFile: HostPath;
  readonly stderrFile: HostPath;
  readonly commandFile: HostPath;
}

/**
 * Maps a path the command wrote or saw (relative paths are relative to the
 * working directory) to the host path behind a mount, or undefined when it
 * lies outside every mount (then it lives only in the container).
 */
export function mountedHostPath(p: ContainerPath, layout: AttemptLayout, files: AttemptFiles): HostPath | undefined {
  const abs = path.posix.resolve(layout.workDir, p);
  const under = (root: string): string | undefined => {
    if (abs === root) return "";
    return abs.startsWith(root.endsWith("/") ? root : root + "/") ? abs.slice(root.length + 1) : undefined;
  };
  const inWork = under(layout.workDir);
  if (inWork !== undefined) return hostPath(path.join(files.workDir, inWork));
  if (abs === CONTAINER_STDOUT) return files.stdoutFile;
  if (abs === CONTAINER_STDERR) return files.stderrFile;
  if (abs === CONTAINER_COMMAND) return files.commandFile;
  for (const input of layout.inputs) {
    const rest = under(input.container);
    if (rest === undefined || (rest !== "" && !input.directory)) continue;
    return hostPath(rest === "" ? input.host : path.join(input.host, rest));
  }
  return undefined;
}
