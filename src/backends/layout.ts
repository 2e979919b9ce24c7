/**
 * An attempt's layout: the one table of what is mounted where (the working
 * directory, the attempt's own files, every input), and the one mapping pair
 * between host paths and the paths the command sees. Every consumer of a
 * path a task hands back (outputs, `read_*`, `glob`, `size`, copy-out, the
 * files a downstream task gets) resolves it here, as the container saw it:
 * symlinks are followed through the mount table, never on the host, and a
 * path that a link leads out of the working directory and the inputs is
 * refused with a ContainmentError naming the link and where it points.
 * Shared by every backend (for `local` the two kinds of path are equal).
 */
import { lstatSync, readlinkSync, type Stats } from "node:fs";
import path from "node:path";
import { containerPath, hostPath, type ContainerPath, type HostPath } from "./backend.js";

/** What a mount holds: the working directory, one of the attempt's own files (command, stdout, stderr), or an input. */
export type MountRole = "work" | "attempt" | "input";

/** One bind mount of an attempt. */
export interface Mount {
  /** Where the command sees it. */
  readonly container: ContainerPath;
  /** The host path values name it by (an input as the user or an earlier task gave it). */
  readonly host: HostPath;
  /** What is really mounted: `host` with its symlinks resolved (checked before the attempt). */
  readonly source: HostPath;
  readonly directory: boolean;
  readonly role: MountRole;
}

/** One input file or directory made visible to the task (read-only). */
export type InputMount = Mount & { readonly role: "input" };

/** The kinds of file system node; only "file" and "directory" ever cross into or out of a task. */
export type NodeType = "file" | "directory" | "symbolic link" | "socket" | "FIFO" | "block device" | "character device" | "special file";

/** A link followed on the way (for messages). */
export interface FollowedLink {
  /** The link as the command saw it. */
  readonly link: ContainerPath;
  /** What it holds (readlink). */
  readonly target: string;
}

/** Where a container path really is, after its symlinks are followed as the container would. */
export type Resolution =
  /** Inside a mount: the host path and what is there. */
  | { readonly kind: "mounted"; readonly container: ContainerPath; readonly host: HostPath; readonly type: NodeType; readonly mount: Mount }
  /** Nothing there. */
  | { readonly kind: "missing"; readonly container: ContainerPath }
  /** Named directly (no link followed) outside every mount: it exists, if at all, only in the container's own file system. */
  | { readonly kind: "outside"; readonly container: ContainerPath };

/** A path a task handed back breaks the box: a link out of it, a loop, or a node that is not a file or folder. */
export class ContainmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContainmentError";
  }
}

/** Most links followed for one path (Linux's MAXSYMLINKS). */
const MAX_LINKS = 40;

/** Where an attempt's files appear to its command, and the way back. */
export class AttemptLayout {
  /** The working directory as the command sees it. */
  readonly workDir: ContainerPath;
  /** Every input, mounted read-only. */
  readonly inputs: readonly InputMount[];
  /** Longest container path first, so the innermost mount wins. */
  private readonly byContainer: readonly Mount[];
  /** Longest host path first. */
  private readonly byHost: readonly Mount[];

  constructor(readonly mounts: readonly Mount[]) {
    const work = mounts.find((m) => m.role === "work");
    if (work === undefined) throw new Error("an attempt layout needs its working directory");
    this.workDir = work.container;
    this.inputs = mounts.filter((m): m is InputMount => m.role === "input");
    this.byContainer = [...mounts].sort((a, b) => b.container.length - a.container.length);
    this.byHost = [...mounts].sort((a, b) => b.host.length - a.host.length);
  }

  /** The path the command sees for host path `p` (an input, the work directory or a file in them); relative paths and unknown paths unchanged. */
  toContainer(p: HostPath): ContainerPath {
    if (!path.isAbsolute(p)) return containerPath(p);
    for (const m of this.byHost) {
      const rest = below(m.host, p);
      if (rest !== undefined && (rest === "" || m.directory)) return containerPath(rest === "" ? m.container : path.posix.join(m.container, rest));
    }
    return containerPath(p);
  }

  /** `p` as an absolute path the command saw (relative paths are relative to the working directory), lexically normalised. */
  absolute(p: ContainerPath | string): ContainerPath {
    return containerPath(path.posix.resolve(this.workDir, p));
  }

  /** The host path behind `p` by the mounts alone (no links followed), or undefined outside every mount. */
  toHost(p: ContainerPath): HostPath | undefined {
    const found = this.mountOf(this.absolute(p));
    return found && hostPath(found.rest === "" ? found.mount.host : path.join(found.mount.host, found.rest));
  }

  /** `p` for messages: relative to the working directory when inside it. */
  show(p: ContainerPath | string): string {
    const rest = below(this.workDir, this.absolute(p));
    return rest === undefined || rest === "" ? path.posix.resolve(this.workDir, p) : rest;
  }

  /**
   * Resolves `p` as the container sees it, following symlinks component by
   * component through the mounts (a link's target is read on the host but
   * interpreted in the container). `arrivedBy` is a link already followed
   * (e.g. one the engine resolved) on the way from `asked`, the path as the
   * task named it (for messages). Throws ContainmentError when a followed
   * link leads outside every mount, or on a link loop.
   */
  resolve(p: ContainerPath, arrivedBy?: FollowedLink, asked: ContainerPath = p): Resolution {
    const start = this.absolute(asked);
    let todo = this.absolute(p).split("/").filter((c) => c !== "");
    let done: string[] = [];
    let last = arrivedBy;
    let links = arrivedBy ? 1 : 0;
    while (todo.length > 0) {
      const c = todo.shift()!;
      if (c === ".") continue;
      if (c === "..") {
        done.pop();
        continue;
      }
      const here = containerPath("/" + [...done, c].join("/"));
      const found = this.mountOf(here);
      if (found === undefined) {
        if (this.isMountAncestor(here)) {
          done.push(c);
          continue;
        }
        const outside = containerPath(path.posix.resolve(here, ...todo));
        if (last !== undefined) throw this.escape(start, last, outside);
        return { kind: "outside", container: outside };
      }
      const st = lstatOrUndefined(sourceOf(found));
      if (st === undefined) return { kind: "missing", container: start };
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) throw new ContainmentError(`${this.show(start)}: too many levels of symbolic links`);
        const target = readlinkSync(sourceOf(found));
        last = { link: here, target };
        if (target.startsWith("/")) done = [];
        todo = [...target.split("/").filter((x) => x !== ""), ...todo];
        continue;
      }
      if (todo.length > 0 && !st.isDirectory()) return { kind: "missing", container: start };
      done.push(c);
    }
    const final = containerPath("/" + done.join("/"));
    const found = this.mountOf(final);
    if (found === undefined) {
      // The root, or a folder the engine made on the way to a mount point: no file of the task's.
      if (last !== undefined) throw this.escape(start, last, final);
      return { kind: "outside", container: final };
    }
    // Every component was checked on the way (none is a link).
    const st = lstatOrUndefined(sourceOf(found));
    if (st === undefined) return { kind: "missing", container: start };
    const host = hostPath(found.rest === "" ? found.mount.host : path.join(found.mount.host, found.rest));
    return { kind: "mounted", container: final, host, type: nodeType(st), mount: found.mount };
  }

  /** The error for a link that leads out of the mounts. */
  escape(start: ContainerPath, link: FollowedLink, leadsTo: string): ContainmentError {
    const shown = this.show(start);
    const via = this.show(link.link);
    const where = path.posix.resolve(path.posix.dirname(link.link), link.target) === leadsTo ? "" : ` (${shown} leads to ${leadsTo})`;
    return new ContainmentError(
      `${via === shown ? shown : `${shown}: ${via}`} is a symbolic link to ${link.target}${where}, outside the task's working directory and inputs (a task may hand back only its own files and its inputs)`,
    );
  }

  /** True when `p` is a folder on the way to a mount point (the engine made it). */
  private isMountAncestor(p: ContainerPath): boolean {
    return this.mounts.some((m) => below(p, m.container) !== undefined);
  }

  /** The innermost mount holding absolute container path `p`, and the rest of `p` below it. */
  private mountOf(p: ContainerPath): { mount: Mount; rest: string } | undefined {
    for (const m of this.byContainer) {
      const rest = below(m.container, p);
      if (rest !== undefined && (rest === "" || m.directory)) return { mount: m, rest };
    }
    return undefined;
  }
}

/** The host path really mounted behind a mount and a rest below it. */
function sourceOf(found: { readonly mount: Mount; readonly rest: string }): HostPath {
  return hostPath(found.rest === "" ? found.mount.source : path.join(found.mount.source, found.rest));
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** `p` relative to `root` when `p` is `root` or below it ("" for `root` itself), else undefined. */
export function below(root: string, p: string): string | undefined {
  if (p === root) return "";
  const prefix = root.endsWith("/") ? root : root + "/";
  return p.startsWith(prefix) ? p.slice(prefix.length) : undefined;
}

/** The node type of `st` (from lstat or stat). */
export function nodeType(st: Stats): NodeType {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "directory";
  if (st.isSymbolicLink()) return "symbolic link";
  if (st.isSocket()) return "socket";
  if (st.isFIFO()) return "FIFO";
  if (st.isBlockDevice()) return "block device";
  if (st.isCharacterDevice()) return "character device";
  return "special file";
}

/**
 * Why a node of type `type` cannot stand as a `want` (File: a regular file,
 * Directory: a directory; undefined: either), or undefined when it can.
 */
export function kindProblem(type: NodeType, want: "File" | "Directory" | undefined): string | undefined {
  if (want === "File" && type !== "file") return `is a ${type}, not a regular file`;
  if (want === "Directory" && type !== "directory") return `is a ${type}, not a directory`;
  if (want === undefined && type !== "file" && type !== "directory") return `is a ${type}, not a regular file or directory`;
  return undefined;
}

/** Throws the ContainmentError for a node (shown as `shown`) that cannot stand as `kind`. */
export function requireKind(shown: string, type: NodeType, kind: "File" | "Directory" | undefined): void {
  const problem = kindProblem(type, kind);
  if (problem !== undefined) throw new ContainmentError(`${shown} ${problem} (only regular files and directories leave a task)`);
}
