/**
 * One task attempt in one container: create (image, mounts, env, limits,
 * GPUs, labels), start, wait, detect an out-of-memory kill, and hand back an
 * AttemptResult whose `toHost` maps or copies what the command wrote and
 * whose `release` removes the container. Aborting stops the container (the
 * wrapper passes SIGTERM on and still fixes file ownership), then, after a
 * short grace, hands the files back and removes it (./ending.ts, which also
 * tells ends nobody asked for apart: engine gone, container removed).
 */
import { spawn } from "node:child_process";
import { lstat, mkdir, open, readlink } from "node:fs/promises";
import path from "node:path";
import type Docker from "dockerode";
import { hostPath, type AttemptRequest, type AttemptResult, type ContainerPath, type HostPath } from "../backend.js";
import { DockerBackendError, asBackendError, engineMessage, statusOf } from "./client.js";
import { explainExit, forceStop, waitForExit, withTimeout } from "./ending.js";
import { gpuDeviceRequest, isNoGpuRuntime, noGpuRuntimeMessage } from "./gpus.js";
import { LABEL_KEEP, attemptLabels } from "./labels.js";
import { CONTAINER_COMMAND, CONTAINER_STDERR, CONTAINER_STDOUT, mountedHostPath } from "./layout.js";
import { EngineGoneError, type EngineWatch } from "./liveness.js";
import { wrapperScript, type FileOwner } from "./wrapper.js";

/** What an attempt needs from its backend. */
export interface AttemptContext {
  readonly docker: Docker;
  readonly url: string;
  readonly shell: string;
  readonly cleanup: boolean;
  readonly owner: FileOwner | undefined;
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
    let exitCode: number;
    try {
      exitCode = await waitForExit(container, ctx.watch, ctx.url, request.callId);
    } catch (e) {
      if (e instanceof EngineGoneError) throw e;
      if (aborted) {
        await stopForGood();
        return abortedResult(image);
      }
      throw asBackendError(e, ctx.url, `waiting for the container of ${request.callId}`);
    }
    if (aborted) {
      await stopForGood();
      return { ...abortedResult(image), exitCode: exitCode === 0 ? ABORTED_EXIT : exitCode };
    }
    const { oomKilled } = exitCode === 0 ? { oomKilled: false } : await explainExit(ctx.docker, container, ctx.url, request.callId, exitCode);
    return {
      exitCode,
      oomKilled,
      image,
      toHost: (p) => toHost(ctx.url, container, request, p),
      release: () => (ctx.cleanup ? remove() : Promise.resolve()),
    };
  } catch (e) {
    // A gone engine answers nothing: the next run's sweep (or wdlrun clean) removes the container.
    if (!(e instanceof EngineGoneError)) await remove();
    throw e;
  } finally {
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
    { Type: "bind", Source: request.commandFile, Target: CONTAINER_COMMAND, ReadOnly: true },
    { Type: "bind", Source: request.stdoutFile, Target: CONTAINER_STDOUT },
    { Type: "bind", Source: request.stderrFile, Target: CONTAINER_STDERR },
    { Type: "bind", Source: request.workDir, Target: layout.workDir },
    ...layout.inputs.map((i): Docker.MountSettings => ({ Type: "bind", Source: i.host, Target: i.container, ReadOnly: true })),
    ...r.disks
      .filter((d) => d.mountPoint !== "/" && d.mountPoint !== layout.workDir)
      .map((d): Docker.MountSettings => ({ Type: "volume", Source: "", Target: d.mountPoint })),
  ];
  const env = Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
  if (r.gpuIds.length > 0) env.push(`NVIDIA_VISIBLE_DEVICES=${r.gpuIds.join(",")}`);
  const hostConfig: Docker.HostConfig = { Mounts: mounts };
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
 * Maps a path the command wrote to the host: through the mounts when it is
 * under one (following a symlink the command made to another mounted path),
 * else by copying it out of the container into `<attempt>/outside/<path>`.
 */
export async function toHost(url: string, container: Docker.Container, request: AttemptRequest, p: ContainerPath): Promise<HostPath | undefined> {
  const files = { workDir: request.workDir, stdoutFile: request.stdoutFile, stderrFile: request.stderrFile, commandFile: request.commandFile };
  const mapped = mountedHostPath(p, request.layout, files);
  if (mapped !== undefined) {
    const st = await lstat(mapped).catch(() => undefined);
    if (st === undefined) return undefined;
    if (st.isSymbolicLink()) {
      const target = await readlink(mapped);
      if (path.isAbsolute(target)) {
        const through = mountedHostPath(target as ContainerPath, request.layout, files);
        if (through !== undefined && through !== mapped) return toHost(url, container, request, target as ContainerPath);
        if (through === undefined) return copyOut(url, container, request, target as ContainerPath);
      }
    }
    return mapped;
  }
  return copyOut(url, container, request, p);
}

async function copyOut(url: string, container: Docker.Container, request: AttemptRequest, p: ContainerPath): Promise<HostPath | undefined> {
  const abs = path.posix.resolve(request.layout.workDir, p);
  const dest = path.join(request.dir, "outside", abs);
  const st = await lstat(dest).catch(() => undefined);
  if (st !== undefined) return hostPath(dest);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await container.getArchive({ path: abs });
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw asBackendError(e, url, `copying ${abs} out of the container of ${request.callId}`);
  }
  await mkdir(path.dirname(dest), { recursive: true });
  await untar(stream, path.dirname(dest));
  return (await lstat(dest).catch(() => undefined)) ? hostPath(dest) : undefined;
}

/** Extracts a tar stream into `dir` with the system's tar (without restoring owners). */
function untar(stream: NodeJS.ReadableStream, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn("tar", ["-x", "--no-same-owner", "-C", dir], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    tar.stderr.on("data", (d: Buffer) => (err += d.toString()));
    tar.once("error", (e) => reject(new DockerBackendError(`cannot run tar to copy files out of a container: ${e.message}`)));
    tar.once("close", (code) => (code === 0 ? resolve() : reject(new DockerBackendError(`tar failed copying files out of a container: ${err.trim()}`))));
    stream.once("error", (e: Error) => tar.kill() && reject(e));
    stream.pipe(tar.stdin);
  });
}
