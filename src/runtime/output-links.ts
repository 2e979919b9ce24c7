/**
 * Output names of symlinks: a task output that is a symlink its command made
 * in its work directory to another file of the run (a localized input,
 * another call's output) is returned under the link's own path in the work
 * directory (`work/file2.txt`), not as the target's path, so that its name is
 * the one the task gave it. The backend's mapping (with its containment
 * rules) finds the target; this only chooses the name. Where the link's text
 * is a container path that means nothing on the host (Docker, swarm), the
 * link is pointed at the target's host path, so that the returned path
 * opens on the host (same file, now named as the host sees it).
 */
import { lstat, realpath, rename, symlink, unlink } from "node:fs/promises";
import path from "node:path";
import { hostPath, type HostPath } from "../backends/backend.js";

/**
 * The path to return for an output that the command named `view` (absolute,
 * as it saw it) and the backend mapped to `target`: the link in the work dir
 * when `view` is a symlink there, else `target`.
 */
export async function outputUnderLinkName(
  view: string,
  target: HostPath | undefined,
  containerWorkDir: string,
  hostWorkDir: string,
): Promise<HostPath | undefined> {
  if (target === undefined || !(view === containerWorkDir || view.startsWith(containerWorkDir + "/"))) return target;
  const relative = path.posix.relative(containerWorkDir, view);
  const link = path.join(hostWorkDir, relative);
  if (link === target) return target;
  // Only a link whose folders are real folders of the work dir: a linked folder on the way would
  // make the host reach (and the rewrite below touch) another place than the container saw.
  const parent = await realpath(path.dirname(link)).catch(() => undefined);
  const realWorkDir = await realpath(hostWorkDir).catch(() => undefined);
  if (parent === undefined || realWorkDir === undefined || parent !== path.dirname(path.join(realWorkDir, relative))) return target;
  const st = await lstat(link).catch(() => undefined);
  if (!st?.isSymbolicLink()) return target;
  const resolved = await realpath(link).catch(() => undefined);
  if (resolved !== undefined && resolved === (await realpath(target).catch(() => target))) return hostPath(link);
  // The link names its target as the container saw it: point it at the host path instead.
  const tmp = `${link}.wdlrun-link-${process.pid}`;
  try {
    await symlink(target, tmp);
    await rename(tmp, link);
  } catch {
    await unlink(tmp).catch(() => undefined);
    return target;
  }
  return hostPath(link);
}
