/**
 * One task attempt in one container: create (image, mounts, env, limits,
 * GPUs, labels), start, wait (following the container's stats: ./usage.ts), detect an out-of-memory kill, and hand back an
 * AttemptResult whose `toHost` maps or copies what the command wrote and
 * whose `release` removes the container. Aborting stops the container (the
 * wrapper passes SIGTERM on and still fixes file ownership), then, after a
 * short grace, hands the files back and removes it (./ending.ts, which also
 * tells ends nobody asked for apart: engine gone, container removed).
 */
import { spawn } from "node:child_process";
import { lstat, mkdir, mkdtemp, open, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type Docker from "dockerode";
import { containerPath, hostPath, type AttemptRequest, type AttemptResult, type ContainerPath, type HostPath } from "../backend.js";
import { ContainmentError, nodeType, requireKind, type NodeType } from "../layout.js";
import { DockerBackendError, asBackendError, engineMessage, explainConnection, statusOf } from "./client.js";
import { explainExit, forceStop, lostWait, removedFromOutside, waitForExit, withTimeout } from "./ending.js";
import { gpuDeviceRequest, isNoGpuRuntime, noGpuRuntimeMessage } from "./gpus.js";
import { LABEL_KEEP, attemptLabels } from "./labels.js";

import { bindMounts } from "./layout.js";
import { hardeningHostConfig, type Hardening } from "./hardening.js";
import { ContainerStatsSampler } from "./usage.js";
import { EngineGoneError, type EngineWatch } from "./liveness.js";
import { wrapperScript, type FileOwner } from "./wrapper.js";

/** What an attempt needs from its backend. */
export interface AttemptContext {
  readonly docker: Docker;
  readonly url: string;
  readonly shell: string;
  readonly cleanup: boolean;
  readonly owner: FileOwner | undefined;
  /** no-new-privileges, pids limit, network, user. */
  readonly hardening: Hardening;
  /** Labels every container of this backend instance. */
  readonly session: string;
  /** Seconds between SIGTERM and forced removal when aborting. */
  readonly stopGraceSeconds: number;
  /** Called with each container id when created and when removed (the backend tracks live ones). */
  readonly track: (id: string, live: boolean) => void;
  /** Notices when the engine dies or hangs while containers run. */
  readonly watch: EngineWatch;
}

/** The exit code reported for an attempt stopped by an abort. */
const ABORTED_EXIT = 130;
/** The most one container removal may take. */
const REMOVE_TIMEOUT_MS = 10_000;

/** Runs one attempt of `request` in image `image`. */
export async function runAttempt(ctx: AttemptContext, request: AttemptRequest, image: string, signal: AbortSignal): Promise<AttemptResult> {
  await prepareHostFiles(request);
  if (signal.aborted) return abortedResult(image);
  const gpuIds = request.resources.gpuIds;
  let container: Docker.Container;
  try {
    container = await ctx.docker.createContainer(createOptions(ctx, request, image));
  } catch (e) {
    throw createError(e, ctx.url, request, image);
  }
  ctx.track(container.id, true);
  const remove = onceRemover(ctx, container);

  let aborted = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  const stopForGood = () => (stopping ??= forceStop(container, ctx.owner, [request.layout.workDir], remove));
  const onAbort = () => {
    aborted = true;
    container.kill({ signal: "SIGTERM" }).catch(() => undefined);
    graceTimer = setTimeout(() => void stopForGood(), ctx.stopGraceSeconds * 1000);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  let sampler: ContainerStatsSampler | undefined;
  try {
    if (signal.aborted) onAbort();
    try {
      await container.start();
    } catch (e) {
      if (aborted) {
        await remove();
        return abortedResult(image);
      }
      await remove();
      const msg = engineMessage(e);
      if (gpuIds.length > 0 && isNoGpuRuntime(msg)) throw new DockerBackendError(noGpuRuntimeMessage(ctx.url, gpuIds, msg));
      throw asBackendError(e, ctx.url, `starting the container for ${request.callId} (image ${image})`);
    }
    sampler = new ContainerStatsSampler(container);
    let exitCode: number;
    try {
      exitCode = await waitForExit(container, ctx.watch, ctx.url, request.callId);
    } catch (e) {
      if (e instanceof EngineGoneError) throw e;
      if (aborted) {
        await stopForGood();
        return abortedResult(image);
      }
      // Gone before its wait began: removed by someone else (docker rm -f right after the start).
      if (statusOf(e) === 404) throw removedFromOutside(request.callId);
      // The wait's connection broke before the liveness ping noticed: the engine went away.
      if (explainConnection(e, ctx.url) !== undefined) throw await lostWait(ctx.docker, ctx.url, request.callId);
      throw asBackendError(e, ctx.url, `waiting for the container of ${request.callId}`);
    }
    if (aborted) {
      await stopForGood();
      return { ...abortedResult(image), exitCode: exitCode === 0 ? ABORTED_EXIT : exitCode };
    }
    const usage = await sampler.stop();
    const { oomKilled } = exitCode === 0 ? { oomKilled: false } : await explainExit(ctx.docker, container, ctx.url, request.callId, exitCode);
    return {
      exitCode,
      oomKilled,
      image,
      usage,
      toHost: (p, kind) => toHost(ctx.url, container, request, p, kind),
      release: () => (ctx.cleanup ? remove() : Promise.resolve()),
    };
  } catch (e) {
    // A gone engine answers nothing: the next run's sweep (or wdlrun clean) removes the container.
    if (!(e instanceof EngineGoneError)) await remove();
    throw e;
  } finally {
    sampler?.close();
    signal.removeEventListener("abort", onAbort);
    if (graceTimer !== undefined) clearTimeout(graceTimer);
  }
}

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

/** The container definition of one attempt. */
export function createOptions(ctx: AttemptContext, request: AttemptRequest, image: string): Docker.ContainerCreateOptions {
  const r = request.resources;
  const layout = request.layout;
  const mounts: Docker.MountSettings[] = [
    ...bindMounts(layout),
    ...r.disks
      .filter((d) => d.mountPoint !== "/" && d.mountPoint !== layout.workDir)
      .map((d): Docker.MountSettings => ({ Type: "volume", Source: "", Target: d.mountPoint })),
  ];
  const env = Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
  if (r.gpuIds.length > 0) env.push(`NVIDIA_VISIBLE_DEVICES=${r.gpuIds.join(",")}`);
  const hostConfig: Docker.HostConfig = { Mounts: mounts, ...hardeningHostConfig(ctx.hardening) };
  if (r.maxCpu !== undefined) hostConfig.NanoCpus = Math.round(r.maxCpu * 1e9);
  if (r.maxMemoryBytes !== undefined) {
    hostConfig.Memory = Math.round(r.maxMemoryBytes);
    hostConfig.MemorySwap = Math.round(r.maxMemoryBytes);
  }
  if (r.gpuIds.length > 0) hostConfig.DeviceRequests = [gpuDeviceRequest(r.gpuIds)];
  return {
    name: containerName(request),
    Image: image,
    Entrypoint: ["/bin/sh", "-c"],
    Cmd: [wrapperScript(ctx.shell, ctx.owner, [layout.workDir])],
    WorkingDir: layout.workDir,
    ...(ctx.hardening.user !== undefined ? { User: `${ctx.hardening.user.uid}:${ctx.hardening.user.gid}` } : {}),
    Env: env,
    Labels: { ...attemptLabels(request.runId, request.callId, request.attempt, ctx.session), ...(ctx.cleanup ? {} : { [LABEL_KEEP]: "1" }) },
    HostConfig: hostConfig,
  };
}

/** A readable, unique container name: `wdlrun-<call>-a<attempt>-<random>`. */
function containerName(request: AttemptRequest): string {
  const call = request.callId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 100);
  return `wdlrun-${call}-a${request.attempt}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Creates stdout/stderr (owned by the caller; the container only appends) and checks the mount sources. */
async function prepareHostFiles(request: AttemptRequest): Promise<void> {
  await mkdir(request.workDir, { recursive: true });
  await Promise.all([request.stdoutFile, request.stderrFile].map(async (f) => (await open(f, "w")).close()));
}

function abortedResult(image: string): AttemptResult {
  return { exitCode: ABORTED_EXIT, oomKilled: false, image, toHost: () => Promise.resolve(undefined), release: () => Promise.resolve() };
}

function onceRemover(ctx: AttemptContext, container: Docker.Container): () => Promise<void> {
  let removing: Promise<void> | undefined;
  return () => {
    // Bounded: an engine that hangs must not hold the run (close() and the next sweep try again).
    removing ??= withTimeout(
      container.remove({ force: true, v: true }).then(
        () => ctx.track(container.id, false),
        (e: unknown) => {
          if (statusOf(e) === 404) ctx.track(container.id, false);
          // 409: removal already in progress (a concurrent remover); anything else is left for close().
        },
      ),
      REMOVE_TIMEOUT_MS,
      undefined,
    );
    return removing;
  };
}

/** Explains a failure to create the container as one line. */
function createError(e: unknown, url: string, request: AttemptRequest, image: string): DockerBackendError {
  const msg = engineMessage(e);
  const missing = /bind source path does not exist:\s*(\S+)/.exec(msg);
  if (missing) {
    return new DockerBackendError(
      `cannot start ${request.callId}: ${missing[1]} does not exist on the engine's host (bind mount source missing; a remote engine cannot see local files, use a local engine)`,
    );
  }
  if (statusOf(e) === 404 && /no such image/i.test(msg)) {
    return new DockerBackendError(`image ${image} is no longer in the Docker Engine (removed during the run?): load or pull it again`);
  }
  return asBackendError(e, url, `creating the container for ${request.callId} (image ${image})`);
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
  return { type: goModeType(stat.mode ?? 0), linkTarget: stat.linkTarget ?? "" };
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
