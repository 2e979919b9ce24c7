/**
 * One task attempt as one swarm service: create the service pinned to the
 * node the runtime's resource pool chose (its GPUs requested as generic
 * resources), follow its task until it ends, tell the runtime when its
 * container starts (with the GPUs swarm assigned), collect stdout/stderr
 * through the service logs API, read the exit code (and an out-of-memory
 * kill, when the container is on this engine), and hand back an
 * AttemptResult whose `release` removes the service. A task that ends
 * without its command's exit status (image missing on the node, bind source
 * missing, no GPU runtime) is reported as one clear line; a node that goes
 * down under it fails it with NodeLostError (the runtime may retry it
 * elsewhere) and its service is removed. Aborting stops the task's command in place
 * on whatever node it runs, through the stop file its wrapper polls (SIGTERM,
 * after the grace SIGKILL, then the files handed back; on this engine's node
 * the container is stopped through the engine when the wrapper does not
 * answer), collects its logs, then removes the service, and waits for the
 * container to go before it ends.
 */
import { mkdir, open, writeFile } from "node:fs/promises";
import type Docker from "dockerode";
import { NodeLostError, type AttemptRequest, type AttemptResult, type AttemptUsage, type ContainerPath, type HostPath } from "../backend.js";
import { asBackendError, engineMessage, statusOf } from "../engine/client.js";
import { maxCpuWithin, toHost as containerToHost } from "../engine/attempt-files.js";
import { requireKind } from "../layout.js";
import type { Hardening } from "../engine/hardening.js";
import { forceStop, withTimeout } from "../engine/stopping.js";
import { EngineGoneError, engineGoneMessage } from "../engine/liveness.js";
import { LABEL_SWARM_SERVICE } from "../engine/labels.js";
import { assertUnreachable } from "../../diagnostics/diagnostic.js";
import { ContainerStatsSampler } from "../engine/usage.js";
import type { FileOwner } from "../engine/wrapper.js";
import { SwarmBackendError } from "./errors.js";
import { collectServiceLogs } from "./logs.js";
import { gpusByKind, gpusFile, serviceSpec, stopFile, type SpecRank } from "./spec.js";
import { STOP_POLL_SECONDS } from "./wrapper.js";
import { nodeLabel, type SwarmNode } from "./cluster.js";
import { assignedIds, explainFailure, explainUnschedulable, taskOutcome, type RawTask } from "./status.js";
import type { TaskWatcher } from "./watch.js";

/** What an attempt needs from its backend. */
export interface SwarmAttemptContext {
  readonly docker: Docker;
  readonly url: string;
  /** Labels every service of this backend instance. */
  readonly session: string;
  readonly shell: string;
  readonly owner: FileOwner | undefined;
  /** Pids limit, network, user. */
  readonly hardening: Hardening;
  readonly cleanup: boolean;
  /** Seconds an aborted container gets between SIGTERM and SIGKILL. */
  readonly stopGraceSeconds: number;
  /** The generic-resource kind of GPU `id` of node `nodeId` (as the capacity listed it). */
  readonly gpuKindOf: (nodeId: string, id: string) => string;
  /** The node of the engine wdlrun talks to: its containers can be inspected and copied from. */
  readonly localNodeId: string;
  readonly watcher: TaskWatcher;
  /** The swarm's nodes as last read (usable or not). */
  readonly nodes: () => readonly SwarmNode[];
  /** Re-reads the nodes (rate-limited by the backend). */
  readonly refreshNodes: () => Promise<void>;
  readonly notice: (line: string) => void;
  /** Called with each service id when created and when removed (the backend tracks live ones). */
  readonly track: (serviceId: string, live: boolean) => void;
  /** The reference a service on `nodeId` should use for image `name` (an id or digest avoids a registry query per task). */
  readonly imageRef: (name: string, nodeId: string) => Promise<string>;
  /** How long the logs may stall before collection fails (default 60 s). */
  readonly logIdleMs?: number;
  /** How long a task may sit unschedulable before wdlrun re-reads the nodes (default 2 s). */
  readonly unschedulableGraceMs?: number;
}

/** The exit code reported for an attempt stopped by an abort. */
const ABORTED_EXIT = 130;

/** How the service's task ended. */
type End =
  | { readonly kind: "exited"; readonly exitCode: number; readonly containerId: string | undefined }
  | { readonly kind: "failed"; readonly state: string; readonly err: string; readonly message?: string }
  /** Its node went down (or was drained) under it. */
  | { readonly kind: "lost"; readonly node: SwarmNode }
  | { readonly kind: "aborted" };

/** Where one rank of a gang (./gang.ts) goes: its network and host name, and the suffix that names its service. */
export interface SwarmRankPlacement extends SpecRank {
  readonly suffix: string;
}

/** Runs one attempt of `request` as a service (one rank of a gang, with `rank`). */
export async function runSwarmAttempt(ctx: SwarmAttemptContext, request: AttemptRequest, image: string, signal: AbortSignal, rank?: SwarmRankPlacement): Promise<AttemptResult> {
  await prepareHostFiles(request);
  if (signal.aborted) return abortedResult(image);
  const r = request.resources;
  const node = chosenNode(ctx, request);
  let sampler: ContainerStatsSampler | undefined;
  try {
    const spec = serviceSpec(maxCpuWithin(request, node.cpu), {
      image: await ctx.imageRef(image, node.id),
      nodeId: node.id,
      gpus: gpusByKind(r.gpuIds, (id) => ctx.gpuKindOf(node.id, id)),
      shell: ctx.shell,
      owner: ctx.owner,
      hardening: ctx.hardening,
      cleanup: ctx.cleanup,
      session: ctx.session,
      stopGraceSeconds: ctx.stopGraceSeconds,
      suffix: rank?.suffix ?? randomSuffix(),
      ...(rank !== undefined ? { rank: { network: rank.network, host: rank.host } } : {}),
    });
    let serviceId: string;
    try {
      serviceId = (await ctx.docker.createService(spec as unknown as Docker.CreateServiceOptions)).id;
    } catch (e) {
      throw asBackendError(e, ctx.url, `creating the swarm service for ${request.callId} (image ${image})`);
    }
    ctx.track(serviceId, true);
    const remove = onceRemover(ctx, serviceId);
    let end: End;
    // The container's stats can be followed only on this engine's own node.
    const onContainer = (id: string) => {
      if (sampler === undefined && node.id === ctx.localNodeId) sampler = new ContainerStatsSampler(ctx.docker.getContainer(id));
    };
    try {
      end = await waitForEnd(ctx, serviceId, request, node, signal, onContainer);
    } catch (e) {
      await remove();
      if (e instanceof EngineGoneError) throw new EngineGoneError(engineGoneMessage(ctx.url, request.callId, e.message, "service"));
      throw e;
    }
    switch (end.kind) {
      case "aborted":
        // Stopped in place first, so that the service (and its logs) outlive the command: what it printed is kept.
        await stopInPlace(ctx, serviceId, node.id, request);
        await withTimeout(collectServiceLogs(ctx.docker, ctx.url, serviceId, request, { idleMs: 5_000 }), 10_000, undefined);
        await remove();
        await containersGone(ctx, serviceId, node.id);
        return abortedResult(image);
      case "failed":
        if (ctx.cleanup) await remove();
        throw new SwarmBackendError(end.message ?? explainFailure(end, { callId: request.callId, node: nodeLabel(node), image }));
      case "lost":
        // Whatever cleanup says: the service would only wait for the node to come back.
        await remove();
        throw new NodeLostError(node.id, lostMessage(request.callId, end.node));
      case "exited":
        return await finished(ctx, request, image, serviceId, node, end, remove, sampler);
      default:
        return assertUnreachable(end);
    }
  } finally {
    sampler?.close();
  }
}

/**
 * The node the pool chose for the attempt (without a choice, a caller
 * outside the runtime: the engine's own node). One that is no longer ready
 * and active fails the attempt as lost, so that it can go elsewhere.
 */
function chosenNode(ctx: SwarmAttemptContext, request: AttemptRequest): SwarmNode {
  const id = request.resources.node ?? ctx.localNodeId;
  const node = ctx.nodes().find((n) => n.id === id);
  if (node === undefined) throw new NodeLostError(id, `${request.callId}: swarm node ${id.slice(0, 12)} has left the swarm`);
  if (!node.usable) throw new NodeLostError(id, lostMessage(request.callId, node));
  return node;
}

/** One line for an attempt whose node went away. */
function lostMessage(callId: string, node: SwarmNode): string {
  const what = node.state !== "ready" ? `went down (node state ${node.state}: its engine stopped answering the manager)` : `was set to ${node.availability}`;
  return `${callId}: swarm node ${nodeLabel(node)} ${what} while the attempt was on it`;
}

/** Collects the logs and builds the result of a task whose command ended. */
async function finished(
  ctx: SwarmAttemptContext,
  request: AttemptRequest,
  image: string,
  serviceId: string,
  node: SwarmNode,
  end: { readonly exitCode: number; readonly containerId: string | undefined },
  remove: () => Promise<void>,
  sampler: ContainerStatsSampler | undefined,
): Promise<AttemptResult> {
  const local = end.containerId !== undefined && node.id === ctx.localNodeId ? ctx.docker.getContainer(end.containerId) : undefined;
  const usage = await attemptUsage(sampler, local, nodeLabel(node));
  try {
    await collectServiceLogs(ctx.docker, ctx.url, serviceId, request, ctx.logIdleMs !== undefined ? { idleMs: ctx.logIdleMs } : {});
  } catch (e) {
    if (ctx.cleanup) await remove();
    throw e;
  }
  // Only a SIGKILLed command can have been killed for memory: inspect just then (possible on this engine only).
  let oomKilled = false;
  if (end.exitCode === 137 && local) {
    const info = await local.inspect().catch(() => undefined);
    oomKilled = info?.State?.OOMKilled === true;
  }
  return {
    exitCode: end.exitCode,
    oomKilled,
    image,
    usage,
    toHost: (p, kind) => (local ? containerToHost(ctx.url, local, request, p, kind) : mountedToHost(request, p, kind)),
    release: () => (ctx.cleanup ? remove() : Promise.resolve()),
  };
}

/** Follows the service's task until it ends or `signal` aborts. */
function waitForEnd(
  ctx: SwarmAttemptContext,
  serviceId: string,
  request: AttemptRequest,
  node: SwarmNode,
  signal: AbortSignal,
  onContainer: (containerId: string) => void,
): Promise<End> {
  const grace = ctx.unschedulableGraceMs ?? 2_000;
  return new Promise<End>((resolve, reject) => {
    let unschedulableSince: number | undefined;
    let checking = false;
    let noticed = false;
    /** The node as last read, when it can no longer run the task. */
    const gone = () => {
      const now = ctx.nodes().find((n) => n.id === node.id);
      return now === undefined ? { ...node, state: "down" } : now.usable ? undefined : now;
    };
    /** Re-reads the nodes (rate-limited), then `then` unless the node is gone, which ends the attempt as lost. */
    const checkNode = (then: () => void) => {
      if (checking) return;
      checking = true;
      ctx.refreshNodes().then(
        () => {
          checking = false;
          if (done) return;
          const lost = gone();
          if (lost !== undefined) finish({ kind: "lost", node: lost });
          else then();
        },
        () => {
          checking = false;
        },
      );
    };
    let started = false;
    let done = false;
    const finish = (end: End) => {
      if (done) return;
      done = true;
      stop();
      signal.removeEventListener("abort", onAbort);
      resolve(end);
    };
    const onAbort = () => finish({ kind: "aborted" });
    const stop = ctx.watcher.watch(
      serviceId,
      (task) => {
        if (task === undefined || done) return;
        const containerId = task.Status?.ContainerStatus?.ContainerID;
        if (containerId) onContainer(containerId);
        const o = taskOutcome(task);
        switch (o.kind) {
          case "waiting":
            unschedulableSince = undefined;
            // A task on a node that went down stays "running" as last reported: the node's state tells.
            checkNode(() => undefined);
            if (!started && (o.state === "starting" || o.state === "running")) {
              started = true;
              announceStart(ctx, request, task).catch((e: unknown) => {
                const message = `${request.callId} could not start on swarm node ${nodeLabel(node)}: ${e instanceof Error ? e.message : String(e)}`;
                finish({ kind: "failed", state: o.state, err: message, message });
              });
            }
            return;
          case "exited":
            finish({ kind: "exited", exitCode: o.exitCode, containerId: o.containerId });
            return;
          case "failed":
            // Shut down or orphaned because its node went away?
            checkNode(() => finish({ kind: "failed", state: o.state, err: o.err }));
            return;
          case "unschedulable": {
            // Right after a release swarm may briefly lag behind wdlrun's resource pool; then look at the nodes again.
            unschedulableSince ??= Date.now();
            if (Date.now() - unschedulableSince < grace) return;
            checkNode(() => {
              if (noticed) return;
              noticed = true;
              ctx.notice(`${request.callId}: ${explainUnschedulable(o.reason, { callId: request.callId, node: nodeLabel(node) })}; waiting (other services may be using the node)`);
            });
            return;
          }
        }
      },
      (e) => {
        if (done) return;
        done = true;
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
  });
}

/**
 * After an aborted attempt's service is removed, waits until the node's agent
 * has stopped and removed its task container (the wrapper passes SIGTERM on
 * and hands the files back), then force-removes what is still there, so that
 * an interrupted run leaves no container when wdlrun exits. Only the
 * container on this engine's own node can be seen; elsewhere the agent is
 * trusted. Never rejects.
 */
async function containersGone(ctx: SwarmAttemptContext, serviceId: string, nodeId: string): Promise<void> {
  if (nodeId !== ctx.localNodeId) return;
  const filters = { label: [`${LABEL_SWARM_SERVICE}=${serviceId}`] };
  const deadline = Date.now() + (ctx.stopGraceSeconds + 3) * 1000;
  try {
    let left = await ctx.docker.listContainers({ all: true, filters });
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = await ctx.docker.listContainers({ all: true, filters });
    }
    await Promise.all(left.map((c) => ctx.docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  } catch {
    // The engine stopped answering: `wdlrun clean` removes what is left.
  }
}

/**
 * What the attempt used: followed from the container's stats on this
 * engine's node; elsewhere nothing can be measured (swarm's API gives no
 * stats of containers on other nodes, and wdlrun talks to one engine).
 */
async function attemptUsage(sampler: ContainerStatsSampler | undefined, local: Docker.Container | undefined, node: string): Promise<AttemptUsage> {
  if (sampler) return { ...(await sampler.stop()), node };
  // Ended before wdlrun saw it running: the container still gives its wall time.
  if (local) return { ...(await new ContainerStatsSampler(local).stop()), node };
  return { source: "none", node, note: `the container ran on node ${node}, another engine than wdlrun's: swarm's API gives no stats of its containers` };
}

/**
 * Stops an aborted attempt's command without removing its service: writes
 * the stop file its wrapper polls (on any node), waits until the task has
 * ended (the grace, the poll and a margin), and on this engine's node falls
 * back to stopping the container through the engine. A task that is not
 * running yet is left to the service's removal. Bounded in time; never
 * rejects.
 */
async function stopInPlace(ctx: SwarmAttemptContext, serviceId: string, nodeId: string, request: AttemptRequest): Promise<void> {
  try {
    await writeFile(stopFile(request), "stop\n");
  } catch {
    // The attempt directory cannot be written (disk full): the engine's stop below, or the removal, still stop it.
  }
  const deadline = Date.now() + (ctx.stopGraceSeconds + STOP_POLL_SECONDS + 3) * 1000;
  while (Date.now() < deadline && (await taskRunning(ctx, serviceId))) await new Promise((r) => setTimeout(r, 200));
  await stopLocalTask(ctx, serviceId, nodeId, request);
}

/** Whether the service's task is starting or running (false when the engine does not answer). */
async function taskRunning(ctx: SwarmAttemptContext, serviceId: string): Promise<boolean> {
  try {
    const tasks = (await ctx.docker.listTasks({ filters: { service: [serviceId] } })) as RawTask[];
    return tasks.some((t) => t.Status?.State === "starting" || t.Status?.State === "running");
  } catch {
    return false;
  }
}

/**
 * Stops the task container of an aborted attempt on this engine's node
 * without removing its service: SIGTERM (the wrapper passes it on and hands
 * the files back), and after the grace the command's processes killed and
 * the files handed back by an exec (../engine/stopping.ts), then SIGKILL. The
 * service then still serves the task's logs. On other nodes only the stop
 * file can reach it (`stopInPlace`).
 * Bounded in time; never rejects.
 */
async function stopLocalTask(ctx: SwarmAttemptContext, serviceId: string, nodeId: string, request: AttemptRequest): Promise<void> {
  if (nodeId !== ctx.localNodeId) return;
  try {
    const running = await ctx.docker.listContainers({ filters: { label: [`${LABEL_SWARM_SERVICE}=${serviceId}`] } });
    await Promise.all(
      running.map(async (c) => {
        const container = ctx.docker.getContainer(c.Id);
        await container.kill({ signal: "SIGTERM" }).catch(() => undefined);
        if (await stopsWithin(container, ctx.stopGraceSeconds * 1000)) return;
        await forceStop(container, ctx.owner, [request.layout.workDir], () => container.kill({ signal: "SIGKILL" }).then(() => undefined, () => undefined));
        await stopsWithin(container, 3000);
      }),
    );
  } catch {
    // The engine stopped answering: removing the service (or wdlrun clean) takes care of it.
  }
}

/** True once `container` is no longer running, false when it still runs after `ms`. */
async function stopsWithin(container: Docker.Container, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const info = await container.inspect().catch(() => undefined);
    if (info?.State?.Running !== true) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Maps a path to the host through the mounts only (the container is on another node: its own file system cannot be read). */
async function mountedToHost(request: AttemptRequest, p: ContainerPath, kind: "File" | "Directory" | undefined): Promise<HostPath | undefined> {
  const r = request.layout.resolve(p);
  if (r.kind !== "mounted") return undefined;
  requireKind(request.layout.show(p), r.type, kind);
  return r.host;
}

/**
 * Tells the runtime the task's container has started, with the GPU ids swarm
 * assigned it (the runtime renders the command again for them), then gives a
 * GPU task's wrapper the go-ahead: the ids, written in place into the file it
 * waits on (./wrapper.ts).
 */
async function announceStart(ctx: SwarmAttemptContext, request: AttemptRequest, task: RawTask): Promise<void> {
  if (request.resources.gpuIds.length === 0) {
    await request.onStart?.({});
    return;
  }
  const nodeId = request.resources.node ?? ctx.localNodeId;
  const ids = assignedIds(task, new Set(request.resources.gpuIds.map((id) => ctx.gpuKindOf(nodeId, id))));
  await request.onStart?.({ gpuIds: ids });
  await writeFile(gpusFile(request), `${ids.join(",")}\n`);
}

/** Creates the working directory and empty stdout/stderr files (they exist even when the task never starts), and a GPU task's empty go-ahead file. */
async function prepareHostFiles(request: AttemptRequest): Promise<void> {
  await mkdir(request.workDir, { recursive: true });
  const empty = [request.stdoutFile, request.stderrFile, stopFile(request), ...(request.resources.gpuIds.length > 0 ? [gpusFile(request)] : [])];
  await Promise.all(empty.map(async (f) => (await open(f, "w")).close()));
}

/** A short random suffix for a service name. */
export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 8).padEnd(6, "0");
}

/** The result of an attempt stopped by an abort. */
export function abortedResult(image: string): AttemptResult {
  return { exitCode: ABORTED_EXIT, oomKilled: false, image, toHost: () => Promise.resolve(undefined), release: () => Promise.resolve() };
}

function onceRemover(ctx: SwarmAttemptContext, serviceId: string): () => Promise<void> {
  let removing: Promise<void> | undefined;
  return () => {
    removing ??= ctx.docker
      .getService(serviceId)
      .remove()
      .then(
        () => ctx.track(serviceId, false),
        (e: unknown) => {
          if (statusOf(e) === 404) ctx.track(serviceId, false);
          else ctx.notice(`could not remove swarm service ${serviceId}: ${engineMessage(e)} (wdlrun clean removes it later)`);
        },
      );
    return removing;
  };
}
