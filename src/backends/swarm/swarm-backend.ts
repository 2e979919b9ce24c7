/**
 * The Docker Swarm backend: each task attempt runs as a one-replica service
 * submitted through a swarm manager (see ./attempt.ts for one attempt). This
 * module owns the backend's lifetime: opening the manager (one clear line
 * when the engine is unreachable, not in a swarm, or only a worker), reading
 * the nodes and their resources, sweeping leftovers of crashed runs, the
 * capacity the runtime's pool admits against and places by (each usable node
 * with its CPUs, memory and GPUs: the pool chooses the node of every attempt,
 * and this backend runs it there), image choice shared by all attempts, and
 * removing what is left at close().
 */
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import type Docker from "dockerode";
import type { AttemptFiles, AttemptLayout, AttemptRequest, AttemptResult, Backend, Capacity, GpuDescription, ImageIdentity, InputSpec, NodeCapacity } from "../backend.js";
import type { PullPolicy, WdlrunConfig } from "../../config/load.js";
import { connect, engineAnswers, engineUrl, type TlsSettings } from "../engine/client.js";
import type { ImageResolver } from "../engine/images.js";
import { LABEL_COMMON, LABEL_SESSION } from "../engine/labels.js";
import { dockerLayout } from "../engine/layout.js";
import { DEFAULT_HARDENING, hardeningFromConfig, type Hardening } from "../engine/hardening.js";
import { describeEngine, imageResolverFor, keptNotice, noticeOption, openEngine, ownerOption, removeTracked, sweepLeftovers } from "../engine/opening.js";
import type { FileOwner } from "../engine/wrapper.js";
import { runSwarmAttempt, type SwarmAttemptContext } from "./attempt.js";
import { GANG_GPUS_REFUSED, removeNetwork, runSwarmGang } from "./gang.js";
import { advertisedKinds, readNodes, readRole, requireUsableNode, roleProblem, swarmRole, type SwarmInfo, type SwarmNode } from "./cluster.js";
import { SwarmBackendError } from "./errors.js";
import { gpuKinds, parseGpuModelEntries } from "./gpu-kinds.js";
import { newestByService } from "./watch.js";
import { TaskWatcher, type WatchTiming } from "./watch.js";
import { taskOutcome, type RawTask } from "./status.js";

/** Options of the swarm backend; `swarmOptionsFromConfig` derives them from the config. */
export interface SwarmBackendOptions {
  /** The manager's engine URL; default: DOCKER_HOST, else unix:///var/run/docker.sock. */
  readonly host?: string;
  /** TLS to a `tcp://` manager (default: as DOCKER_TLS_VERIFY / DOCKER_CERT_PATH say). */
  readonly tls?: TlsSettings;
  readonly pull?: PullPolicy;
  readonly shell?: string;
  readonly defaultImage?: string;
  /** Remove services when attempts end (default true). */
  readonly cleanup?: boolean;
  /** Caps on the total capacity handed to the runtime's pool (default: the sum over usable nodes). */
  readonly cpu?: number;
  readonly memoryBytes?: number;
  /** The generic-resource kind nodes advertise GPUs of no stated model as (default NVIDIA-GPU); see ./gpu-kinds.ts. */
  readonly gpuKind?: string;
  /** More GPU kinds with their model, as `KIND=MODEL` (`swarm.gpu_models`). */
  readonly gpuModels?: readonly string[];
  /** Who owns the files tasks write: default the user running wdlrun; null leaves them as written. */
  readonly owner?: FileOwner | null;
  /** Pids limit, network, user (default DEFAULT_HARDENING; no-new-privileges is not in the swarm API 1.41). */
  readonly hardening?: Hardening;
  /** Seconds an aborted container gets between SIGTERM and SIGKILL (default 2). */
  readonly stopGraceSeconds?: number;
  /** Sweep leftovers of crashed runs when opening (default true). */
  readonly sweep?: boolean;
  /** Receives one-line notices. Default: stderr. */
  readonly notice?: (line: string) => void;
  /** Task polling intervals. */
  readonly timing?: WatchTiming;
}

/** The backend options a config asks for. */
export function swarmOptionsFromConfig(config: WdlrunConfig): SwarmBackendOptions {
  return {
    ...(config.docker.host !== undefined ? { host: config.docker.host } : {}),
    tls: config.docker.tls,
    pull: config.docker.pull,
    shell: config.shell,
    defaultImage: config.docker.defaultImage,
    cleanup: config.cleanup,
    hardening: hardeningFromConfig(config),
    gpuKind: config.swarm.gpuKind,
    gpuModels: config.swarm.gpuModels,
    ...(config.resources.cpu !== undefined ? { cpu: config.resources.cpu } : {}),
    ...(config.resources.memoryBytes !== undefined ? { memoryBytes: config.resources.memoryBytes } : {}),
  };
}

/** Resolves true when the engine at the configured URL answers and is an active swarm manager (for `--backend auto`). */
export async function swarmManagerAnswers(host?: string, tls: TlsSettings = {}, timeoutMs = 2000): Promise<boolean> {
  const docker = connect(engineUrl(host), tls);
  if (!(await engineAnswers(docker, timeoutMs))) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    const info = docker.info().then((i: unknown) => swarmRole(i as SwarmInfo).kind === "manager", () => false);
    return await Promise.race([info, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Least time between two re-reads of the node list. */
const NODE_REFRESH_MS = 2_000;

/** Runs attempts as swarm services. */
export class SwarmBackend implements Backend {
  readonly kind = "swarm" as const;
  /** Each rank of a gang is a service of its own, on one overlay network per attempt (./gang.ts). */
  readonly gangs = true;
  readonly gangGpusRefused = GANG_GPUS_REFUSED;
  /** Labels this instance's services, so close() removes exactly them. */
  readonly session = randomBytes(6).toString("hex");
  private readonly images: ImageResolver;
  private readonly imageIds = new Map<string, Promise<{ id: string; digest: string | undefined }>>();
  private readonly live = new Set<string>();
  private readonly ctx: SwarmAttemptContext;
  private readonly gpuKind: string;
  private readonly gpuModels: ReadonlyMap<string, GpuDescription>;
  /** The generic-resource kind of each GPU id of the capacity, by node. */
  private readonly kindOfGpu = new Map<string, Map<string, string>>();
  private readonly notice: (line: string) => void;
  /** Every node as last read (usable or not). */
  private nodes: readonly SwarmNode[];
  private lastRefresh = Date.now();
  private refreshing: Promise<void> | undefined;
  private capacityCache: Capacity | undefined;

  private constructor(
    /** The dockerode client of the manager (for tests and tools). */
    readonly docker: Docker,
    /** The manager's engine URL. */
    readonly url: string,
    /** The node of the engine wdlrun talks to. */
    readonly localNodeId: string,
    nodes: readonly SwarmNode[],
    private readonly options: SwarmBackendOptions,
    readonly engine: string,
  ) {
    this.notice = noticeOption(options.notice);
    this.images = imageResolverFor(docker, url, options, this.notice);
    this.gpuKind = options.gpuKind ?? "NVIDIA-GPU";
    this.gpuModels = parseGpuModelEntries(options.gpuModels ?? []);
    this.nodes = nodes;
    this.ctx = {
      docker,
      url,
      session: this.session,
      shell: options.shell ?? "bash",
      // A command run as the invoking user writes files that are already theirs.
      owner: options.hardening?.user !== undefined ? undefined : ownerOption(options.owner),
      hardening: options.hardening ?? DEFAULT_HARDENING,
      cleanup: options.cleanup ?? true,
      stopGraceSeconds: options.stopGraceSeconds ?? 2,
      gpuKindOf: (nodeId, id) => this.kindOfGpu.get(nodeId)?.get(id) ?? this.gpuKind,
      localNodeId,
      watcher: new TaskWatcher(docker, url, this.session, options.timing),
      nodes: () => this.nodes,
      refreshNodes: () => this.refreshNodes(),
      notice: this.notice,
      track: (id, live) => (live ? this.live.add(id) : this.live.delete(id)),
      imageRef: (name, nodeId) => this.imageRef(name, nodeId),
    };
  }

  /**
   * Connects to the manager, failing with one line (and the fix) when
   * nothing answers, the engine is not in a swarm or is only a worker, or no
   * node can take tasks; sweeps services and containers left by crashed runs
   * (unless `sweep: false`).
   */
  static async open(options: SwarmBackendOptions = {}): Promise<SwarmBackend> {
    if (options.hardening?.network === "none") {
      throw new SwarmBackendError(
        `docker.network = "none" cannot be given to swarm services (the swarm API cannot attach a service to the "none" network): use --backend docker for tasks without a network, or docker.network = "default"`,
      );
    }
    try {
      parseGpuModelEntries(options.gpuModels ?? []);
    } catch (e) {
      throw new SwarmBackendError((e as Error).message);
    }
    const url = engineUrl(options.host);
    const docker = await openEngine(url, options.tls);
    const role = await readRole(docker, url);
    const problem = roleProblem(role, url);
    if (problem !== undefined || role.kind !== "manager") throw new SwarmBackendError(problem ?? "not a swarm manager");
    const nodes = await readNodes(docker, url);
    requireUsableNode(nodes, url);
    const engine = `${await describeEngine(docker, url)} (swarm manager, ${nodes.length} node${nodes.length === 1 ? "" : "s"})`;
    const backend = new SwarmBackend(docker, url, role.nodeId, nodes, options, engine);
    if (options.sweep !== false) {
      const swept = await sweepLeftovers(docker, url);
      if (swept !== undefined) backend.notice(swept);
    }
    if (options.cleanup === false) backend.notice(keptNotice("service"));
    backend.noticeGpuKind(nodes);
    return backend;
  }

  /** Says once, at start, when nodes advertise generic resources but none of a GPU kind (./gpu-kinds.ts). */
  private noticeGpuKind(nodes: readonly SwarmNode[]): void {
    const advertised = advertisedKinds(nodes.filter((n) => n.usable));
    const gpus = gpuKinds(advertised, this.gpuKind, this.gpuModels);
    if (advertised.length === 0 || advertised.some((k) => gpus.has(k))) return;
    this.notice(
      `no swarm node advertises GPUs as ${this.gpuKind} (swarm.gpu_kind) or as NVIDIA-<MODEL>; the nodes advertise ${advertised.join(", ")}: ` +
        `tasks that need GPUs will be refused unless swarm.gpu_kind or swarm.gpu_models names the kinds your nodes use`,
    );
  }

  /**
   * The usable nodes, each with its CPUs, memory and GPUs (the ids it
   * advertises as generic resources of a GPU kind, ./gpu-kinds.ts; a count
   * without ids gives `KIND#n`), the models of the GPUs whose kind names one,
   * and their sum (capped by the `cpu`/`memoryBytes` options). Read once: the
   * runtime's pool places every attempt on one of these nodes.
   */
  capacity(): Promise<Capacity> {
    if (this.capacityCache === undefined) {
      const usable = this.nodes.filter((n) => n.usable);
      const kinds = gpuKinds(advertisedKinds(usable), this.gpuKind, this.gpuModels);
      const gpuModels: Record<string, GpuDescription> = {};
      const nodes: NodeCapacity[] = usable.map((n) => {
        const kindOf = new Map<string, string>();
        for (const [kind, model] of kinds)
          for (const id of gpuIdsOf(n, kind)) {
            kindOf.set(id, kind);
            if (model !== undefined) gpuModels[id] = model;
          }
        this.kindOfGpu.set(n.id, kindOf);
        return { id: n.id, name: n.hostname, cpu: n.cpu, memoryBytes: n.memoryBytes, gpuIds: [...kindOf.keys()], ...(n.id === this.localNodeId ? { local: true } : {}) };
      });
      const sum = (f: (n: NodeCapacity) => number) => nodes.reduce((a, n) => a + f(n), 0);
      this.capacityCache = {
        cpu: Math.min(sum((n) => n.cpu), this.options.cpu ?? Infinity),
        memoryBytes: Math.min(sum((n) => n.memoryBytes), this.options.memoryBytes ?? Infinity),
        gpuIds: nodes.flatMap((n) => n.gpuIds),
        ...(Object.keys(gpuModels).length > 0 ? { gpuModels } : {}),
        nodes,
        gpuKind: this.gpuKind,
      };
    }
    return Promise.resolve(this.capacityCache);
  }

  layout(files: AttemptFiles, inputs: readonly InputSpec[]): AttemptLayout {
    return dockerLayout(files, inputs);
  }

  async execute(request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
    // Every running attempt listens on the run's one signal: no listener limit (0 = unlimited).
    setMaxListeners(0, signal);
    const image = await this.images.resolve(request.containers);
    return (request.resources.ranks ?? 1) > 1 ? runSwarmGang(this.ctx, request, image, signal) : runSwarmAttempt(this.ctx, request, image, signal);
  }

  imageIdentity(containers: readonly string[]): Promise<ImageIdentity | undefined> {
    return this.images.identity(containers);
  }

  /** Re-reads the nodes, at most every NODE_REFRESH_MS. */
  private refreshNodes(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (Date.now() - this.lastRefresh < NODE_REFRESH_MS) return Promise.resolve();
    this.refreshing = readNodes(this.docker, this.url)
      .then((nodes) => {
        this.nodes = nodes;
      })
      .finally(() => {
        this.lastRefresh = Date.now();
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /**
   * The image reference for a service on `nodeId`. Swarm queries the
   * registry for every task whose image is a bare name; an image id (on this
   * engine's own node) or a `name@digest` (elsewhere, when the image came from
   * a registry) runs the image wdlrun checked without that round trip. With
   * `docker.pull = "always"` the name is used, and swarm pulls it.
   */
  private async imageRef(name: string, nodeId: string): Promise<string> {
    if ((this.options.pull ?? "if-not-present") === "always") return name;
    let p = this.imageIds.get(name);
    if (!p) {
      p = this.docker
        .getImage(name)
        .inspect()
        .then((info: { Id: string; RepoDigests?: string[] }) => ({ id: info.Id, digest: repoDigest(name, info.RepoDigests ?? []) }));
      this.imageIds.set(name, p);
      p.catch(() => this.imageIds.delete(name));
    }
    const known = await p.catch(() => undefined);
    if (known === undefined) return name;
    if (nodeId === this.localNodeId) return known.id;
    return known.digest ?? name;
  }

  /**
   * Removes every service this backend instance created that is still
   * there (with cleanup=false, only those whose task has not ended), then,
   * unless cleanup=false, its gangs' networks. Idempotent.
   */
  async close(): Promise<void> {
    let ids: string[];
    try {
      const list = (await this.docker.listServices({ filters: { label: [LABEL_COMMON, `${LABEL_SESSION}=${this.session}`] } })) as { ID: string }[];
      ids = list.map((s) => s.ID);
      if (!this.ctx.cleanup && ids.length > 0) {
        const tasks = newestByService((await this.docker.listTasks({ filters: { label: [`${LABEL_SESSION}=${this.session}`] } })) as RawTask[]);
        ids = ids.filter((id) => {
          const t = tasks.get(id);
          return t === undefined || ["waiting", "unschedulable"].includes(taskOutcome(t).kind);
        });
      }
    } catch {
      ids = [...this.live];
    }
    await removeTracked(ids, this.live, (id) => this.docker.getService(id).remove());
    // With cleanup = false the kept services hold their gangs' networks: wdlrun clean removes both.
    if (!this.ctx.cleanup) return;
    const networks = await this.docker.listNetworks({ filters: { label: [LABEL_COMMON, `${LABEL_SESSION}=${this.session}`] } }).catch(() => []);
    await Promise.all(networks.map((n) => removeNetwork(this.docker, n.Id)));
  }
}

/** A node's GPUs: the ids it advertises as generic resources of `kind`, then `KIND#n` for a count without ids. Pure. */
export function gpuIdsOf(node: SwarmNode, kind: string): string[] {
  const pool = node.generic.get(kind);
  if (pool === undefined) return [];
  return [...pool.ids, ...Array.from({ length: pool.count - pool.ids.length }, (_, i) => `${kind}#${pool.ids.length + i + 1}`)];
}

/** The `repo@sha256:…` of `name` among an image's RepoDigests, if it came from a registry. Pure. */
export function repoDigest(name: string, repoDigests: readonly string[]): string | undefined {
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const repo = (colon > slash ? name.slice(0, colon) : name).split("@")[0]!;
  const bare = (r: string) => r.replace(/^docker\.io\//, "").replace(/^library\//, "");
  return repoDigests.find((d) => bare(d.split("@")[0]!) === bare(repo));
}
