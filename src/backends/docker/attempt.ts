/**
 * One task attempt in one container: create (image, mounts, env, limits,
 * GPUs, labels), start, wait (following the container's stats:
 * ../engine/usage.ts), detect an out-of-memory kill, and hand back an
 * AttemptResult whose `toHost` maps or copies what the command wrote
 * (../engine/attempt-files.ts) and
 * whose `release` removes the container. Aborting stops the container (the
 * wrapper passes SIGTERM on and still fixes file ownership), then, after a
 * short grace, hands the files back and removes it (../engine/stopping.ts;
 * ./ending.ts tells ends nobody asked for apart: engine gone, container
 * removed). A rank of a gang (./gang.ts) is such an attempt too, placed on
 * the gang's network under its rank's name.
 */
import { closeSync, lstatSync, mkdirSync, openSync } from "node:fs";
import type Docker from "dockerode";
import type { AttemptRequest, AttemptResult, PreparedAttempt } from "../backend.js";
import { toHost } from "../engine/attempt-files.js";
import { DockerBackendError, asBackendError, engineMessage, explainConnection, statusOf } from "../engine/client.js";
import { gpuDeviceRequest, isNoGpuRuntime, noGpuRuntimeMessage } from "../engine/gpus.js";
import { LABEL_KEEP, LABEL_RANK, attemptLabels, handBackLabel } from "../engine/labels.js";
import { bindMounts } from "../engine/layout.js";
import { hardeningHostConfig, type Hardening } from "../engine/hardening.js";
import { forceStop, withTimeout } from "../engine/stopping.js";
import { ContainerStatsSampler } from "../engine/usage.js";
import { EngineGoneError, type EngineWatch } from "../engine/liveness.js";
import { wrapperScript, type FileOwner } from "../engine/wrapper.js";
import { explainExit, lostWait, removedFromOutside, waitForExit } from "./ending.js";
import type { EngineFlavour } from "../engine/flavour.js";
import type { NetworkSlots } from "./network-slots.js";
import { cdiDeviceNames, createWithCdi, isUnresolvedCdi, noCdiMessage } from "./podman.js";

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
  /** Docker or Podman (GPUs as device requests or as CDI devices). */
  readonly flavour: EngineFlavour;
  /** This backend's gangs' networks, counted (./network-slots.ts). */
  readonly gangNetworks: NetworkSlots;
  /** One-line notices for the user (a gang waiting for a network). */
  readonly notice: (line: string) => void;
}

/** The exit code reported for an attempt stopped by an abort. */
const ABORTED_EXIT = 130;
/** The most one container removal may take. */
const REMOVE_TIMEOUT_MS = 10_000;

/** Where a rank of a gang goes: its container's name, the gang's network, and the name the other ranks reach it by. */
export interface RankPlacement {
  readonly rank: number;
  readonly containerName: string;
  readonly network: string;
  /** Its host name and network alias (`rank-1`). */
  readonly host: string;
  /**
   * Where the engine has no DNS on the network (Podman with CNI): the address
   * wdlrun gives this rank, and every rank's `name:address` as hosts entries.
   */
  readonly addressing?: { readonly address: string; readonly hosts: readonly string[] };
}

/**
 * A container created ahead for an attempt (DockerBackend.prepare), not
 * started: `runAttempt` takes it when the attempt, as granted, would be
 * created with the same definition (its name aside), else removes it.
 */
export class PreparedContainer implements PreparedAttempt {
  private state: "ready" | "taken" | "discarded" = "ready";
  private constructor(
    private readonly container: Docker.Container,
    private readonly image: string,
    private readonly definition: string,
    private readonly remove: () => Promise<void>,
  ) {}

  /** Creates the container of `request` in `image` (its host files first, as `runAttempt` makes them). */
  static async create(ctx: AttemptContext, request: AttemptRequest, image: string): Promise<PreparedContainer> {
    await prepareHostFiles(request);
    const options = createOptions(ctx, request, image);
    let container: Docker.Container;
    try {
      container = await ctx.docker.createContainer(options);
    } catch (e) {
      throw createError(e, ctx.url, request, image);
    }
    ctx.track(container.id, true);
    return new PreparedContainer(container, image, sameness(options), onceRemover(ctx, container));
  }

  /** The container, once, when `options` in `image` is what it was created with; else undefined, and it is removed. */
  async take(image: string, options: Docker.ContainerCreateOptions): Promise<Docker.Container | undefined> {
    if (this.state === "ready" && image === this.image && sameness(options) === this.definition) {
      this.state = "taken";
      return this.container;
    }
    await this.discard();
    return undefined;
  }

  async discard(): Promise<void> {
    if (this.state !== "ready") return;
    this.state = "discarded";
    await this.remove();
  }
}

/** A container definition without its (random) name, to compare two. */
function sameness(options: Docker.ContainerCreateOptions): string {
  return JSON.stringify({ ...options, name: undefined });
}

/** Runs one attempt of `request` in image `image` (one rank of a gang, with `rank`). */
export async function runAttempt(ctx: AttemptContext, request: AttemptRequest, image: string, signal: AbortSignal, rank?: RankPlacement): Promise<AttemptResult> {
  const gpuIds = request.resources.gpuIds;
  const options = createOptions(ctx, request, image, rank);
  // Made ahead (its host files with it) when the attempt, as granted, is created the same.
  const ahead = request.prepared instanceof PreparedContainer ? await request.prepared.take(image, options) : undefined;
  if (!ahead) await prepareHostFiles(request);
  if (signal.aborted) {
    if (ahead) await onceRemover(ctx, ahead)();
    return abortedResult(image);
  }
  let container: Docker.Container;
  if (ahead) container = ahead;
  else {
    try {
      container =
        ctx.flavour.kind === "podman" && gpuIds.length > 0
          ? await createWithCdi(ctx.docker, options, cdiDeviceNames(gpuIds))
          : await ctx.docker.createContainer(options);
    } catch (e) {
      throw createError(e, ctx.url, request, image);
    }
    ctx.track(container.id, true);
  }
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
      if (gpuIds.length > 0 && isUnresolvedCdi(msg)) throw new DockerBackendError(noCdiMessage(ctx.url, gpuIds, msg));
      throw asBackendError(e, ctx.url, `starting the container for ${request.callId} (image ${image})`);
    }
    void request.onStart?.({}).catch(() => undefined);
    sampler = new ContainerStatsSampler(container, Date.now());
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

/** The container definition of one attempt (one rank of a gang, with `rank`). */
export function createOptions(ctx: AttemptContext, request: AttemptRequest, image: string, rank?: RankPlacement): Docker.ContainerCreateOptions {
  const r = request.resources;
  const layout = request.layout;
  const mounts: Docker.MountSettings[] = [
    ...bindMounts(layout),
    ...r.disks
      .filter((d) => d.mountPoint !== "/" && d.mountPoint !== layout.workDir)
      .map((d): Docker.MountSettings => ({ Type: "volume", Source: "", Target: d.mountPoint })),
  ];
  const env = Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
  // CUDA_VISIBLE_DEVICES is left to the NVIDIA runtime: it attaches only the
  // granted devices and CUDA numbers them from 0 inside the container, so the
  // host's indices would name the wrong GPUs there (or none at all).
  if (r.gpuIds.length > 0) env.push(`NVIDIA_VISIBLE_DEVICES=${r.gpuIds.join(",")}`);
  const hostConfig: Docker.HostConfig = { Mounts: mounts, ...hardeningHostConfig(ctx.hardening) };
  if (r.maxCpu !== undefined) hostConfig.NanoCpus = Math.round(r.maxCpu * 1e9);
  if (r.maxMemoryBytes !== undefined) {
    hostConfig.Memory = Math.round(r.maxMemoryBytes);
    hostConfig.MemorySwap = Math.round(r.maxMemoryBytes);
  }
  if (r.shmSizeBytes !== undefined) hostConfig.ShmSize = Math.round(r.shmSizeBytes);
  // On Podman the GPUs are CDI devices, given at create (./podman.ts).
  if (r.gpuIds.length > 0 && ctx.flavour.kind === "docker") hostConfig.DeviceRequests = [gpuDeviceRequest(r.gpuIds)];
  // A rank is on its gang's network (internal when the config says `network = none`), known there by its alias.
  if (rank !== undefined) hostConfig.NetworkMode = rank.network;
  if (rank?.addressing !== undefined) hostConfig.ExtraHosts = [...rank.addressing.hosts];
  const endpoint = rank?.addressing !== undefined ? { IPAMConfig: { IPv4Address: rank.addressing.address } } : {};
  return {
    name: rank?.containerName ?? containerName(request),
    ...(rank !== undefined ? { Hostname: rank.host, NetworkingConfig: { EndpointsConfig: { [rank.network]: { Aliases: [rank.host], ...endpoint } } } } : {}),
    Image: image,
    Entrypoint: ["/bin/sh", "-c"],
    Cmd: [wrapperScript(ctx.shell, ctx.owner, [layout.workDir])],
    WorkingDir: layout.workDir,
    ...(ctx.hardening.user !== undefined ? { User: `${ctx.hardening.user.uid}:${ctx.hardening.user.gid}` } : {}),
    Env: env,
    Labels: {
      ...attemptLabels(request.runId, request.callId, request.attempt, ctx.session),
      ...handBackLabel(ctx.owner),
      ...(rank !== undefined ? { [LABEL_RANK]: String(rank.rank) } : {}),
      ...(ctx.cleanup ? {} : { [LABEL_KEEP]: "1" }),
    },
    HostConfig: hostConfig,
  };
}

/** A readable, unique container name: `wdlrun-<call>-a<attempt>-<random>` (a gang's network's, its ranks' with `-rank-K`). */
export function containerName(request: AttemptRequest): string {
  const call = request.callId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 100);
  return `wdlrun-${call}-a${request.attempt}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Creates stdout/stderr (owned by the caller; the container only appends) and
 * checks the mount sources: a missing one is an error here, as Docker makes it
 * (Podman would create it on the host as an empty folder). Synchronous: a few
 * small local file operations, which cost several times the CPU through the
 * promise API (a share of every attempt's cost when many run at once).
 */
async function prepareHostFiles(request: AttemptRequest): Promise<void> {
  mkdirSync(request.workDir, { recursive: true });
  for (const f of [request.stdoutFile, request.stderrFile]) closeSync(openSync(f, "w"));
  for (const m of request.layout.mounts) {
    if (!exists(m.source)) throw missingSource(request, m.source);
  }
}

/** Whether `file` exists (a dangling link counts: it is what would be mounted). */
function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** A bind mount source that is not there. */
function missingSource(request: AttemptRequest, source: string): DockerBackendError {
  return new DockerBackendError(
    `cannot start ${request.callId}: ${source} does not exist on the engine's host (bind mount source missing; a remote engine cannot see local files, use a local engine)`,
  );
}

/** The result of an attempt stopped by an abort before its command ran to its end. */
export function abortedResult(image: string): AttemptResult {
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
  if (missing) return missingSource(request, missing[1]!);
  if (request.resources.gpuIds.length > 0 && isUnresolvedCdi(msg)) return new DockerBackendError(noCdiMessage(url, request.resources.gpuIds, msg));
  if (statusOf(e) === 404 && /no such image/i.test(msg)) {
    return new DockerBackendError(`image ${image} is no longer in the Docker Engine (removed during the run?): load or pull it again`);
  }
  return asBackendError(e, url, `creating the container for ${request.callId} (image ${image})`);
}
