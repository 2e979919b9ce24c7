/**
 * The one interface every execution backend (local, docker, swarm) implements.
 * Backends are thin adapters: they run one task attempt and report how it
 * ended. Retries, return codes, output evaluation, the run directory and
 * resource accounting live in src/runtime and are shared by all backends.
 *
 * Host paths and container paths are distinct branded strings: a value of one
 * kind never type-checks where the other is expected.
 */
import type { AttemptLayout } from "./layout.js";
export type { AttemptLayout, InputMount, Mount } from "./layout.js";

/** A path on the machine running wdlrun. */
export type HostPath = string & { readonly __brand: "HostPath" };
/** A path as the task's command sees it (inside the container; equal to the host path for `local`). */
export type ContainerPath = string & { readonly __brand: "ContainerPath" };

/** Brands a string as a host path (use at the boundary where a path is known to be on the host). */
export const hostPath = (p: string): HostPath => p as HostPath;
/** Brands a string as a container path. */
export const containerPath = (p: string): ContainerPath => p as ContainerPath;

/** The backends wdlrun has. */
export type BackendKind = "local" | "docker" | "swarm";

/** What a backend can give in total (for swarm: the sum over its usable nodes, with the nodes listed in `nodes`). */
export interface Capacity {
  /** Logical CPUs. */
  readonly cpu: number;
  /** Memory in bytes. */
  readonly memoryBytes: number;
  /** GPU device ids (e.g. from `nvidia-smi`, the config, or swarm generic resources). */
  readonly gpuIds: readonly string[];
  /**
   * What is known of each GPU id (model name, memory), for tasks whose `gpu`
   * hint names a model; an id missing here matches no model.
   */
  readonly gpuModels?: Readonly<Record<string, GpuDescription>>;
  /**
   * The machines behind the totals, for backends that run attempts on several
   * (swarm); absent = one machine. An attempt must fit on one node: a pool
   * that reads this can admit per node instead of against the totals.
   */
  readonly nodes?: readonly NodeCapacity[];
  /** What the GPUs are, for messages (swarm: their generic-resource kind, `NVIDIA-GPU`). */
  readonly gpuKind?: string;
}

/** What a backend knows of one GPU. */
export interface GpuDescription {
  /** The model name (`NVIDIA H100 80GB HBM3`, or a swarm generic-resource kind such as `NVIDIA-H100`). */
  readonly name: string;
  /** Its memory in bytes, when known. */
  readonly memoryBytes?: number;
}

/** What one node of a multi-node backend can give. */
export interface NodeCapacity {
  /** The node's id (swarm node id). */
  readonly id: string;
  /** A readable name (host name). */
  readonly name: string;
  readonly cpu: number;
  readonly memoryBytes: number;
  /** This node's share of `Capacity.gpuIds`. */
  readonly gpuIds: readonly string[];
  /** The node of the engine wdlrun talks to (wdlrun sees its containers best: usage, OOM kills, files outside the mounts). */
  readonly local?: boolean;
}

/** Resources granted to one attempt by the resource pool. */
export interface GrantedResources {
  /** Requested (reserved) CPUs. */
  readonly cpu: number;
  /** Requested (reserved) memory in bytes. */
  readonly memoryBytes: number;
  /** Hard limits for the container (from `max_cpu`/`max_memory` hints or the config); absent = no limit. */
  readonly maxCpu?: number;
  readonly maxMemoryBytes?: number;
  /** Size of the container's `/dev/shm` in bytes (wdlrun's `shm_size` hint); absent = the engine's default. */
  readonly shmSizeBytes?: number;
  /**
   * The exact GPU ids given to this attempt (empty when the task needs none);
   * for a gang, every rank's in rank order, each rank's share the same size.
   */
  readonly gpuIds: readonly string[];
  /**
   * How many ranks the attempt runs as one gang (wdlrun's `nodes` hint), each
   * in its own container with the cpu, memory, limits and shm above and its
   * share of `gpuIds`; absent = 1. Only a backend with `gangs` gets more.
   */
  readonly ranks?: number;
  /** The node the pool chose for it (`NodeCapacity.id`), on a backend with several; the backend runs it there. */
  readonly node?: string;
  /** For a gang on a backend with several nodes: each rank's node, in rank order (`node` is rank 0's). */
  readonly rankNodes?: readonly string[];
  /** Number of FPGAs requested (no backend provides them yet). */
  readonly fpga: number;
  /** Disk mount points to create, with requested sizes in bytes (`/` = the working disk). */
  readonly disks: readonly { readonly mountPoint: ContainerPath; readonly sizeBytes: number }[];
}

/** The host files of one attempt that every layout mounts. */
export interface AttemptFiles {
  /** The attempt directory on the host (holds `command`, `stdout`, `stderr`, `work/`). */
  readonly dir: HostPath;
  /** The host side of the working directory (`<dir>/work`). */
  readonly workDir: HostPath;
  /** The command script on the host; its text already uses container paths. */
  readonly commandFile: HostPath;
  readonly stdoutFile: HostPath;
  readonly stderrFile: HostPath;
}

/** An input to lay out: the host path values name it by, and what is really there (its symlinks resolved, checked to be a file or a directory). */
export interface InputSpec {
  readonly host: HostPath;
  readonly source: HostPath;
  readonly directory: boolean;
}

/** What a backend learned as the attempt's container started (see `AttemptRequest.onStart`). */
export interface StartFacts {
  /**
   * The GPU devices the attempt really got, when the backend rather than the
   * pool picked them (swarm: the generic resources swarm assigned its task);
   * absent when they are the granted `gpuIds`.
   */
  readonly gpuIds?: readonly string[];
}

/** Everything needed to run one attempt of one call. */
export interface AttemptRequest extends AttemptFiles {
  /** Identifies the run; used for labels so leftovers can be swept. */
  readonly runId: string;
  /** Stable readable call id, e.g. `call-align-0007`. */
  readonly callId: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** From `layout()`. */
  readonly layout: AttemptLayout;
  /** Environment variables for the command (from `env` declarations). */
  readonly env: Readonly<Record<string, string>>;
  /** Container image candidates in order of preference (ignored by `local`). */
  readonly containers: readonly string[];
  readonly resources: GrantedResources;
  /**
   * Called once when the attempt's container (or process) really starts:
   * the runtime then reports the attempt started. With `gpuIds` it renders
   * the command file again for them (`task.gpu`), so a backend that passes
   * them holds the command back until this resolves. An attempt that never
   * starts never calls it.
   */
  readonly onStart?: (facts: StartFacts) => Promise<void>;
  /**
   * What `Backend.prepare` made ready for this attempt before its resources
   * were granted: `execute` uses it when the attempt, as granted, needs the
   * same (else it discards it and makes its own).
   */
  readonly prepared?: PreparedAttempt;
}

/** What a backend made ready ahead for one attempt (`Backend.prepare`). */
export interface PreparedAttempt {
  /** Gives up what was made ahead (the attempt did not run, or ran without it). Idempotent; never rejects. */
  discard(): Promise<void>;
}

/**
 * What one attempt used, as its backend measured it (written to the
 * attempt's `usage.json`). A figure the backend could not measure is absent,
 * with the reason in `note`.
 */
export interface AttemptUsage {
  /** Peak memory of the command and everything it started, in bytes. */
  readonly peakMemoryBytes?: number;
  /** CPU time (user + system) of the command and everything it started, in seconds. */
  readonly cpuSeconds?: number;
  /** How long the command ran, in seconds, as the backend saw it. */
  readonly wallSeconds?: number;
  /** How the figures were taken (e.g. `cgroup (Engine API stats)`, `/proc sampling`). */
  readonly source: string;
  /** Why a figure is missing or approximate. */
  readonly note?: string;
  /** The machine it ran on, for backends with several (swarm: the node's name). */
  readonly node?: string;
  /** Which ranks of a gang the figures cover (`rank 0 of 3`); absent = the whole attempt. */
  readonly ranks?: string;
}

/** How an attempt ended, plus access to what it produced. */
export interface AttemptResult {
  /** The command's exit status (128+signal when killed). */
  readonly exitCode: number;
  /** Set when the engine reports an out-of-memory kill. */
  readonly oomKilled: boolean;
  /** The image actually used, when a container ran. */
  readonly image?: string;
  /** What the command used; absent when the backend measured nothing. */
  readonly usage?: AttemptUsage;
  /**
   * In a gang: the rank other than 0 whose failure ended the attempt (the
   * others were stopped); `exitCode` and `oomKilled` are then that rank's.
   * Absent when rank 0's own exit is the attempt's.
   */
  readonly failedRank?: FailedRank;
  /**
   * Maps a path the command handed back (as the command saw it) to a host
   * path: resolved as the container saw it (AttemptLayout.resolve), copied out
   * of the container when it lies in the container's own file system.
   * Resolves `undefined` when the path does not exist. Rejects with a
   * ContainmentError when a symlink leads out of the working directory and
   * the inputs, or the node is not what `kind` asks (File: a regular file,
   * Directory: a directory, undefined: either).
   */
  toHost(path: ContainerPath, kind?: "File" | "Directory"): Promise<HostPath | undefined>;
  /** Frees what the attempt still holds (e.g. removes its container). Always called, once. */
  release(): Promise<void>;
}

/** The rank of a gang that failed first, and where its stderr is. */
export interface FailedRank {
  /** The rank (1 … ranks-1). */
  readonly rank: number;
  /** How many ranks the gang had. */
  readonly ranks: number;
  readonly stderrFile: HostPath;
}

/** The image a container name resolves to on the engine. */
export interface ImageIdentity {
  /** The name it was resolved from (`ubuntu:latest`). */
  readonly name: string;
  /** The engine's content-addressed image id (`sha256:…`): a retagged name gives another id. */
  readonly id: string;
}

/**
 * Rejected by `execute` when the node an attempt was running on went down
 * (multi-node backends): the attempt failed through no fault of its own, and
 * may be retried on another node. The message is one line for the user.
 */
export class NodeLostError extends Error {
  constructor(
    /** The node (`NodeCapacity.id`) that went down. */
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
    this.name = "NodeLostError";
  }
}

/** A backend: runs single attempts. */
export interface Backend {
  readonly kind: BackendKind;
  /** Whether it runs an attempt as a gang of several containers (`GrantedResources.ranks` > 1, the `nodes` hint). */
  readonly gangs: boolean;
  /** Why a gang's ranks cannot have GPUs on it, as a phrase (the runtime refuses such a gang with it); absent = they can. */
  readonly gangGpusRefused?: string;
  /** The engine it drives, in words, for the run's first line (`Docker Engine 20.10.24 at unix:///…`); absent for local. */
  readonly engine?: string;
  /** What this backend can ever give; the resource pool admits attempts against it. */
  capacity(): Promise<Capacity>;
  /** Pure: decides where the attempt's inputs, own files and working directory appear to the command. */
  layout(files: AttemptFiles, inputs: readonly InputSpec[]): AttemptLayout;
  /**
   * Runs one attempt to completion. Resolves with its result; rejects only for
   * failures of the backend itself (engine unreachable, image missing) with an
   * Error whose message is one clear line for the user. Aborting `signal`
   * stops the attempt and resolves (or rejects) promptly.
   */
  execute(request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult>;
  /**
   * Optional: makes ready ahead what an attempt will need, while it waits for
   * the resource pool (docker: creates its container, not started), so that
   * `execute` of `{ ...request, prepared }` starts it at once. `request`
   * carries the resources the runtime expects to grant. Resolves undefined
   * when there is nothing to make ahead; rejects like `execute` (the runtime
   * then leaves the failure to `execute`).
   */
  prepare?(request: AttemptRequest): Promise<PreparedAttempt | undefined>;
  /**
   * The image that an attempt with these container candidates would run
   * (the same choice `execute` makes, pulling under the pull policy), by its
   * id; undefined for backends that run no image (local). Asked once per
   * distinct image and run (the answer is remembered). Rejects like `execute`
   * when no candidate can be had.
   */
  imageIdentity(containers: readonly string[]): Promise<ImageIdentity | undefined>;
  /** Removes anything still labelled with this run (containers, services). Idempotent. */
  close(): Promise<void>;
}
