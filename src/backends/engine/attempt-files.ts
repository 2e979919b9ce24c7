/**
 * The files an attempt's container hands back, shared by the docker and swarm
 * backends: a path the command named is resolved as the container saw it
 * (AttemptLayout.resolve, ../layout.ts) and mapped through the mounts, or
 * copied out of the container's own file system with no-follow semantics;
 * only regular files, folders and links cross. Also the CPU limit an engine
 * accepts.
 */
import { spawn } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type Docker from "dockerode";
import { containerPath, hostPath, type AttemptRequest, type ContainerPath, type HostPath } from "../backend.js";
import { ContainmentError, nodeType, requireKind, type NodeType } from "../layout.js";
import { DockerBackendError, asBackendError, statusOf } from "./client.js";

/**
 * The request without its `max_cpu` limit when that is at least `cpus` (the
 * CPUs of the machine it runs on): an engine refuses a CPU limit above what
 * it has ("Range of CPUs is from 0.01 to N"), and such a limit limits
 * nothing. Unchanged when `cpus` is unknown.
 */
export function maxCpuWithin(request: AttemptRequest, cpus: number | undefined): AttemptRequest {
  const { maxCpu, ...rest } = request.resources;
  if (maxCpu === undefined || cpus === undefined || !(cpus > 0) || maxCpu < cpus) return request;
  return { ...request, resources: rest };
}

/**
 * Maps a path the command handed back to the host, resolved as the container
 * saw it (AttemptLayout.resolve; see ../layout.ts): through the mounts, or,
 * for a path named in the container's own file system, by asking the engine
 * (which resolves links there in the container's scope): a link is followed
 * only where it leads into the mounts; anything else there is copied out of
 * the container into `<attempt>/outside/<path>`.
 */
export async function toHost(
  url: string,
  container: Docker.Container,
  request: AttemptRequest,
  p: ContainerPath,
  kind: "File" | "Directory" | undefined,
): Promise<HostPath | undefined> {
  const layout = request.layout;
  let r = layout.resolve(p);
  for (let links = 0; r.kind === "outside"; links++) {
    const st = await statInContainer(url, container, request, r.container);
    if (st === undefined) return undefined;
    if (st.linkTarget === "") {
      requireKind(layout.show(p), st.type, kind);
      return copyOut(url, container, request, r.container);
    }
    if (links >= 40) throw new ContainmentError(`${layout.show(p)}: too many levels of symbolic links`);
    // The engine resolved the link in the container's scope; only a way into the mounts is allowed.
    r = layout.resolve(containerPath(st.linkTarget), { link: r.container, target: st.linkTarget }, p);
  }
  if (r.kind === "missing") return undefined;
  requireKind(layout.show(p), r.type, kind);
  return r.host;
}

/** What the engine says is at `p` in the container (HEAD archive), undefined when nothing is. */
async function statInContainer(
  url: string,
  container: Docker.Container,
  request: AttemptRequest,
  p: ContainerPath,
): Promise<{ readonly type: NodeType; readonly linkTarget: string } | undefined> {
  let res: { headers?: Record<string, string | undefined>; resume?: () => void };
  try {
    res = (await container.infoArchive({ path: p })) as typeof res;
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw asBackendError(e, url, `looking at ${p} in the container of ${request.callId}`);
  }
  res.resume?.();
  const header = res.headers?.["x-docker-container-path-stat"];
  const stat = header ? (JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { mode?: number; linkTarget?: string }) : {};
  // Podman names every path's resolved self as its link target (`/tmp/a` -> `/tmp/a`); only another path is a link.
  const target = stat.linkTarget ?? "";
  return { type: goModeType(stat.mode ?? 0), linkTarget: target === p ? "" : target };
}

/** The node type of a Go `os.FileMode` (the engine's path stat). */
function goModeType(mode: number): NodeType {
  const bit = (n: number) => Math.floor(mode / 2 ** n) % 2 === 1;
  if (bit(31)) return "directory";
  if (bit(27)) return "symbolic link";
  if (bit(26)) return bit(21) ? "character device" : "block device";
  if (bit(25)) return "FIFO";
  if (bit(24)) return "socket";
  if (bit(19)) return "special file";
  return "file";
}

/**
 * Copies `abs` (an absolute path in the container's own file system, not a
 * link) into `<attempt>/outside/<abs>`: the folders on the way are made
 * without following any link (one that is there already is refused), tar
 * writes no owner and no set-id bits, and a copy holding a device, FIFO or
 * socket is refused before it is moved into place.
 */
async function copyOut(url: string, container: Docker.Container, request: AttemptRequest, abs: ContainerPath): Promise<HostPath | undefined> {
  const root = path.join(request.dir, "outside");
  const parts = abs.split("/").filter((c) => c !== "");
  if (parts.length === 0) throw new ContainmentError("/ (the container's root) cannot be handed back");
  const parent = await mkdirNoFollow(root, parts.slice(0, -1));
  const dest = path.join(parent, parts[parts.length - 1] ?? "");
  const st = await lstat(dest).catch(() => undefined);
  if (st !== undefined) {
    if (st.isSymbolicLink()) throw new ContainmentError(`${abs}: ${dest} is a symbolic link (copied out earlier); it is not followed`);
    return hostPath(dest);
  }
  let stream: NodeJS.ReadableStream;
  try {
    stream = await container.getArchive({ path: abs });
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw asBackendError(e, url, `copying ${abs} out of the container of ${request.callId}`);
  }
  // Extracted where only wdlrun can look (0700), checked, then moved into place.
  const staging = await mkdtemp(path.join(parent, ".copy-"));
  try {
    await untar(stream, staging);
    const name = parts[parts.length - 1] ?? "";
    const special = await specialNodes(path.join(staging, name));
    if (special.length > 0) {
      const [first] = special;
      throw new ContainmentError(`${abs} holds a ${first!.type} (${path.relative(staging, first!.path)}): only regular files, directories and links leave a task; nothing was copied`);
    }
    if (!(await lstat(path.join(staging, name)).catch(() => undefined))) return undefined;
    await rename(path.join(staging, name), dest);
    return hostPath(dest);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The devices, FIFOs and sockets at or below `p` (links not followed). */
async function specialNodes(p: string): Promise<{ path: string; type: NodeType }[]> {
  const st = await lstat(p).catch(() => undefined);
  if (st === undefined || st.isFile() || st.isSymbolicLink()) return [];
  if (!st.isDirectory()) return [{ path: p, type: nodeType(st) }];
  const found: { path: string; type: NodeType }[] = [];
  for (const entry of await readdir(p)) found.push(...(await specialNodes(path.join(p, entry))));
  return found;
}

/** Makes `root/parts…` folder by folder (root included), refusing any that is not a real folder (a symlink is never followed). */
async function mkdirNoFollow(root: string, parts: readonly string[]): Promise<string> {
  let dir = root;
  for (const part of ["", ...parts]) {
    dir = part === "" ? dir : path.join(dir, part);
    try {
      await mkdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const st = await lstat(dir);
    if (!st.isDirectory()) throw new ContainmentError(`cannot copy out of the container into ${dir}: it is a ${nodeType(st)}, not a folder wdlrun made; it is not followed`);
  }
  return dir;
}

/** Extracts a tar stream into `dir` with the system's tar (no owners, no set-id bits, links never followed out: GNU tar defers them). */
function untar(stream: NodeJS.ReadableStream, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn("tar", ["-x", "--no-same-owner", "--no-same-permissions", "--no-overwrite-dir", "-C", dir], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    tar.stderr.on("data", (d: Buffer) => (err += d.toString()));
    tar.once("error", (e) => reject(new DockerBackendError(`cannot run tar to copy files out of a container: ${e.message}`)));
    tar.once("close", (code) => (code === 0 ? resolve() : reject(new DockerBackendError(`tar failed copying files out of a container: ${err.trim()}`))));
    stream.once("error", (e: Error) => tar.kill() && reject(e));
    stream.pipe(tar.stdin);
  });
}
