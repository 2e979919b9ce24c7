/**
 * The Docker backend: each task attempt runs in its own container on one
 * Docker Engine (see ./attempt.ts for a single attempt), or a gang of them
 * on a network of its own (./gang.ts, the `nodes` hint). This module owns the
 * backend's lifetime: opening the engine (with a clear error when it cannot
 * be reached), sweeping leftovers of crashed runs, capacity from the engine,
 * image choice shared by all attempts, once-per-run notices, and removing
 * what is left at close().
 */
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import type Docker from "dockerode";
import type { AttemptFiles, AttemptLayout, AttemptRequest, AttemptResult, Backend, Capacity, ImageIdentity, InputSpec, PreparedAttempt } from "../backend.js";
import type { PullPolicy, WdlrunConfig } from "../../config/load.js";
import { asBackendError, connect, engineUrl, engineUsable, type TlsSettings } from "../engine/client.js";
import { detectGpus, gpuCapacity } from "../engine/gpus.js";
import type { ImageResolver } from "../engine/images.js";
import { LABEL_COMMON, LABEL_SESSION } from "../engine/labels.js";
import { dockerLayout } from "../engine/layout.js";
import { DEFAULT_HARDENING, hardeningFromConfig, type Hardening } from "../engine/hardening.js";
import { withTimeout } from "../engine/stopping.js";
import { EngineWatch } from "../engine/liveness.js";
import { maxCpuWithin } from "../engine/attempt-files.js";
import { PreparedContainer, createOptions, runAttempt, type AttemptContext } from "./attempt.js";
import { runGang } from "./gang.js";
import { NetworkSlots } from "./network-slots.js";
import { imageResolverFor, keptNotice, noticeOption, openEngine, ownerOption, removeTracked, sweepLeftovers } from "../engine/opening.js";
import type { FileOwner } from "../engine/wrapper.js";
import { describeFlavour, readFlavour, type EngineFlavour } from "../engine/flavour.js";
import { podmanNotices } from "./podman.js";

/** Options of the Docker backend; `dockerOptionsFromConfig` derives them from the config. */
export interface DockerBackendOptions {
  /** Engine URL; default: DOCKER_HOST, else unix:///var/run/docker.sock. */
  readonly host?: string;
  /** TLS to a `tcp://` engine (default: as DOCKER_TLS_VERIFY / DOCKER_CERT_PATH say). */
  readonly tls?: TlsSettings;
  readonly pull?: PullPolicy;
  readonly shell?: string;
  readonly defaultImage?: string;
  /** Remove containers when attempts end (default true). */
  readonly cleanup?: boolean;
  /** Capacity overrides (default: the engine's CPUs and memory). */
  readonly cpu?: number;
  readonly memoryBytes?: number;
  /** GPU ids to hand out (default: every GPU `nvidia-smi` lists on this host; their models come from it either way). */
  readonly gpuIds?: readonly string[];
  /**
   * Who owns the files tasks write: default the user running wdlrun (nothing
   * to do when that is root); null leaves them owned by the container's user.
   */
  readonly owner?: FileOwner | null;
  /** no-new-privileges (always), pids limit, network, user (default DEFAULT_HARDENING). */
  readonly hardening?: Hardening;
  /** Seconds an aborted container gets between SIGTERM and removal (default 2). */
  readonly stopGraceSeconds?: number;
  /** Sweep leftovers of crashed runs when opening (default true). */
  readonly sweep?: boolean;
  /** Receives one-line notices (pull progress, unenforceable settings). Default: stderr. */
  readonly notice?: (line: string) => void;
}

/** The backend options a config asks for. */
export function dockerOptionsFromConfig(config: WdlrunConfig): DockerBackendOptions {
  return {
    ...(config.docker.host !== undefined ? { host: config.docker.host } : {}),
    tls: config.docker.tls,
    pull: config.docker.pull,
    shell: config.shell,
    defaultImage: config.docker.defaultImage,
    cleanup: config.cleanup,
    hardening: hardeningFromConfig(config),
    ...(config.resources.cpu !== undefined ? { cpu: config.resources.cpu } : {}),
    ...(config.resources.memoryBytes !== undefined ? { memoryBytes: config.resources.memoryBytes } : {}),
    ...(config.resources.gpus.length > 0 ? { gpuIds: config.resources.gpus } : {}),
  };
}

/**
 * Resolves true when a Docker Engine answers at the configured URL
 * (DOCKER_HOST, else the default socket), false when none does; rejects with
 * one line (and the fix) when one is there but its socket refuses this user.
 */
export async function dockerEngineAnswers(host?: string, tls: TlsSettings = {}, timeoutMs = 2000): Promise<boolean> {
  const url = engineUrl(host);
  return engineUsable(connect(url, tls), url, timeoutMs);
}

const DEFAULT_DISK = 1024 ** 3;
/** The most close() waits for the engine. */
const CLOSE_TIMEOUT_MS = 10_000;

const lifted = new WeakSet<AbortSignal>();
/** Every running attempt listens on the run's one signal: lift Node's 10-listener leak warning for it. */
function liftListenerLimit(signal: AbortSignal): void {
  if (lifted.has(signal)) return;
  lifted.add(signal);
  try {
    setMaxListeners(0, signal);
  } catch {
    // Some signal implementations do not support it; the warning is harmless.
  }
}

/** Runs attempts in containers on one Docker Engine. */
export class DockerBackend implements Backend {
  readonly kind = "docker" as const;
  /** Each rank of a gang is a container of its own, on one network per attempt (./gang.ts). */
  readonly gangs = true;
  /** Labels this instance's containers, so close() removes exactly them. */
  readonly session = randomBytes(6).toString("hex");
  private readonly images: ImageResolver;
  private readonly live = new Set<string>();
  private readonly ctx: AttemptContext;
  private readonly notice: (line: string) => void;
  /** The engine in words (`Podman 4.3.1 at unix:///…`), for the run's first line. */
  readonly engine: string;
  private noticedDisks = false;
  private capacityCache: Promise<Capacity> | undefined;
  /** The engine's own CPU count (`docker info` NCPU), once read: no container limit can exceed it. */
  private engineCpus: number | undefined;

  private constructor(
    /** The dockerode client (for tests and tools). */
    readonly docker: Docker,
    /** The engine URL in use. */
    readonly url: string,
    private readonly options: DockerBackendOptions,
    /** Docker or Podman, and whether it runs rootless. */
    readonly flavour: EngineFlavour,
  ) {
    this.engine = describeFlavour(flavour, url);
    this.notice = noticeOption(options.notice);
    this.images = imageResolverFor(docker, url, options, this.notice);
    this.ctx = {
      docker,
      url,
      shell: options.shell ?? "bash",
      cleanup: options.cleanup ?? true,
      // A command run as the invoking user writes files that are already theirs; so does any
      // command on a rootless engine (its root is the user), where a chown would give them away.
      owner: options.hardening?.user !== undefined || flavour.rootless ? undefined : ownerOption(options.owner),
      // On a rootless engine the invoking user is the container's root: a uid:gid there would be a subordinate id.
      hardening: flavour.rootless ? { ...(options.hardening ?? DEFAULT_HARDENING), user: undefined } : (options.hardening ?? DEFAULT_HARDENING),
      flavour,
      session: this.session,
      stopGraceSeconds: options.stopGraceSeconds ?? 2,
      track: (id, live) => (live ? this.live.add(id) : this.live.delete(id)),
      watch: new EngineWatch(docker),
      gangNetworks: new NetworkSlots(),
      notice: (line) => this.notice(line),
    };
  }

  /**
   * Connects to the engine, failing with one line (and the fix) when nothing
   * answers or the socket is not accessible, and sweeps containers left by
   * crashed runs (unless `sweep: false`).
   */
  static async open(options: DockerBackendOptions = {}): Promise<DockerBackend> {
    const url = engineUrl(options.host);
    const docker = await openEngine(url, options.tls);
    // Independent round trips, side by side: they are on the path to a run's first container.
    const [flavour, swept] = await Promise.all([readFlavour(docker), options.sweep !== false ? sweepLeftovers(docker, url) : undefined]);
    const backend = new DockerBackend(docker, url, options, flavour);
    void backend.capacity().catch(() => undefined); // read ahead: the run asks for it next
    for (const line of podmanNotices(backend.flavour, options.hardening)) backend.notice(line);
    if (swept !== undefined) backend.notice(swept);
    if (options.cleanup === false) backend.notice(keptNotice("container"));
    return backend;
  }

  capacity(): Promise<Capacity> {
    this.capacityCache ??= this.readCapacity();
    return this.capacityCache;
  }

  private async readCapacity(): Promise<Capacity> {
    let info: { NCPU?: number; MemTotal?: number };
    try {
      info = (await this.docker.info()) as { NCPU?: number; MemTotal?: number };
    } catch (e) {
      this.capacityCache = undefined;
      throw asBackendError(e, this.url, "reading the engine's capacity");
    }
    this.engineCpus = info.NCPU;
    // Read once per backend (per run): the GPUs and their models, for the `gpu` hint.
    const gpus = gpuCapacity(await detectGpus(), this.options.gpuIds);
    return {
      cpu: this.options.cpu ?? info.NCPU ?? 1,
      memoryBytes: this.options.memoryBytes ?? info.MemTotal ?? 0,
      ...gpus,
    };
  }

  layout(files: AttemptFiles, inputs: readonly InputSpec[]): AttemptLayout {
    return dockerLayout(files, inputs);
  }

  async execute(request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
    liftListenerLimit(signal);
    this.noticeDisks(request);
    try {
      const image = await this.images.resolve(request.containers);
      if (request.resources.maxCpu !== undefined) await this.capacity().catch(() => undefined);
      const within = maxCpuWithin(request, this.engineCpus);
      return await ((request.resources.ranks ?? 1) > 1 ? runGang(this.ctx, within, image, signal) : runAttempt(this.ctx, within, image, signal));
    } finally {
      // A container made ahead that the attempt did not take (aborted first, image gone) goes now.
      await request.prepared?.discard();
    }
  }

  /**
   * Creates the attempt's container ahead (not started) while the attempt
   * waits for the pool: creating is then off the path between one task's end
   * and the next one's start. Not for an attempt given GPUs (the pool picks
   * them when it grants), nor for a gang (its network comes first).
   */
  async prepare(request: AttemptRequest): Promise<PreparedAttempt | undefined> {
    if (request.resources.gpuIds.length > 0 || (request.resources.ranks ?? 1) > 1) return undefined;
    const image = await this.images.resolve(request.containers);
    if (request.resources.maxCpu !== undefined) await this.capacity().catch(() => undefined);
    return PreparedContainer.create(this.ctx, maxCpuWithin(request, this.engineCpus), image);
  }

  imageIdentity(containers: readonly string[]): Promise<ImageIdentity | undefined> {
    return this.images.identity(containers);
  }

  /**
   * The container definition an attempt of `request` in `image` is created
   * with (mounts, hardening, limits, labels, wrapper), for tools that compare
   * against a bare engine loop with the same settings (bench:docker's floors).
   */
  containerDefinition(request: AttemptRequest, image: string): Docker.ContainerCreateOptions {
    return createOptions(this.ctx, maxCpuWithin(request, this.engineCpus), image);
  }

  private noticeDisks(request: AttemptRequest): void {
    if (this.noticedDisks) return;
    const disks = request.resources.disks;
    const asked = disks.some((d) => d.mountPoint !== "/" || d.sizeBytes !== DEFAULT_DISK);
    if (!asked) return;
    this.noticedDisks = true;
    this.notice("disk sizes cannot be enforced on Docker: mount points are created, sizes are not reserved or limited");
  }

  /**
   * Removes every container this backend instance created that is still
   * there (with cleanup=false, only those still running), then its gangs'
   * networks. Idempotent.
   */
  async close(): Promise<void> {
    // Bounded: a hung engine must not keep wdlrun from ending (the next run's sweep removes what is left).
    await withTimeout(this.removeOwn(), CLOSE_TIMEOUT_MS, undefined);
  }

  private async removeOwn(): Promise<void> {
    let ids: string[];
    try {
      const list = await this.docker.listContainers({ all: true, filters: { label: [LABEL_COMMON, `${LABEL_SESSION}=${this.session}`] } });
      ids = list.filter((c) => this.ctx.cleanup || c.State === "running" || c.State === "created").map((c) => c.Id);
    } catch {
      ids = [...this.live];
    }
    await removeTracked(ids, this.live, (id) => this.docker.getContainer(id).remove({ force: true, v: true }));
    const networks = await this.docker.listNetworks({ filters: { label: [LABEL_COMMON, `${LABEL_SESSION}=${this.session}`] } }).catch(() => []);
    await Promise.all(networks.map((n) => this.docker.getNetwork(n.Id).remove().catch(() => undefined)));
  }
}
