/**
 * The service definition of one task attempt: a one-replica service with
 * restart condition `none`, pinned to the node wdlrun chose, running the
 * attempt's command under the swarm wrapper with the same image, mounts and
 * environment as the Docker backend; cpu and memory as reservations,
 * `max_cpu`/`max_memory` as limits, GPUs as generic resources of the
 * configured kind; labels for run, call, attempt and owner on both the
 * service and its container. A rank of a gang (./gang.ts) is also attached
 * to the gang's overlay network with its host name as alias, in DNS
 * round-robin endpoint mode (swarm's default virtual IP needs IPVS in the
 * kernel, which some hosts lack; by name every rank reaches the others'
 * containers directly). Pure.
 */
import path from "node:path";
import type { AttemptRequest } from "../backend.js";
import { LABEL_KEEP, attemptLabels } from "../engine/labels.js";
import { bindMounts } from "../engine/layout.js";
import { DROPPED_CAPABILITIES, type Hardening } from "../engine/hardening.js";
import type { FileOwner } from "../engine/wrapper.js";
import { CONTAINER_GPUS, CONTAINER_STOP, swarmWrapperScript } from "./wrapper.js";

/** The host file a GPU task's wrapper waits on: `<attempt dir>/gpus` (written in place: a bind mount holds the file, not its name). */
export function gpusFile(request: Pick<AttemptRequest, "dir">): string {
  return path.join(request.dir, "gpus");
}

/** The host file wdlrun writes to stop the attempt: `<attempt dir>/stop` (./wrapper.ts; written in place, as `gpusFile`). */
export function stopFile(request: Pick<AttemptRequest, "dir">): string {
  return path.join(request.dir, "stop");
}

/** A bind or volume mount (Engine API `Mount`). */
export interface SpecMount {
  readonly Type: "bind" | "volume" | "tmpfs";
  readonly Source: string;
  readonly Target: string;
  readonly ReadOnly?: boolean;
  /** For a tmpfs mount: its size in bytes. */
  readonly TmpfsOptions?: { readonly SizeBytes: number };
}

/** A generic resource request (Engine API `GenericResources` item). */
export interface SpecGenericResource {
  readonly DiscreteResourceSpec: { readonly Kind: string; readonly Value: number };
}

/** The service spec wdlrun creates (the subset of the Engine API's `ServiceSpec` it uses). */
export interface SwarmServiceSpec {
  readonly Name: string;
  readonly Labels: Readonly<Record<string, string>>;
  readonly TaskTemplate: {
    readonly ContainerSpec: {
      readonly Image: string;
      readonly Labels: Readonly<Record<string, string>>;
      readonly Command: readonly string[];
      readonly Args: readonly string[];
      readonly Dir: string;
      /** `uid:gid` (docker.user = invoking). */
      readonly User?: string;
      /** Capabilities dropped (API 1.41). */
      readonly CapabilityDrop: readonly string[];
      readonly Env: readonly string[];
      readonly Mounts: readonly SpecMount[];
      readonly StopSignal: string;
      /** Nanoseconds. */
      readonly StopGracePeriod: number;
      /** A gang rank's host name (`rank-K`). */
      readonly Hostname?: string;
    };
    /** A gang rank's network, where its host name is its alias. */
    readonly Networks?: readonly { readonly Target: string; readonly Aliases: readonly string[] }[];
    readonly Resources: {
      readonly Reservations: { readonly NanoCPUs: number; readonly MemoryBytes: number; readonly GenericResources?: readonly SpecGenericResource[] };
      readonly Limits?: { readonly NanoCPUs?: number; readonly MemoryBytes?: number; readonly Pids?: number };
    };
    readonly RestartPolicy: { readonly Condition: "none"; readonly MaxAttempts: 0 };
    readonly Placement: { readonly Constraints: readonly string[] };
    readonly LogDriver: { readonly Name: string; readonly Options: Readonly<Record<string, string>> };
  };
  readonly Mode: { readonly Replicated: { readonly Replicas: 1 } };
  /** A gang rank's endpoint: names resolve to the containers themselves (no virtual IP). */
  readonly EndpointSpec?: { readonly Mode: "dnsrr" };
}

/** Where one rank of a gang goes: the gang's network, and the rank's host name and alias on it. */
export interface SpecRank {
  readonly network: string;
  readonly host: string;
}

/** Everything besides the request that decides the spec. */
export interface SpecOptions {
  /** The image reference the service runs (a name, `name@digest` or an image id). */
  readonly image: string;
  /** The node the service is pinned to. */
  readonly nodeId: string;
  /** GPUs to request: generic resources, so many of each kind (empty = none). */
  readonly gpus: readonly GpuKindCount[];
  readonly shell: string;
  readonly owner: FileOwner | undefined;
  /** Pids limit, network, user (no-new-privileges: not in the swarm API 1.41). */
  readonly hardening: Hardening;
  /** False = the service is kept after the attempt (`cleanup = false`): labelled so the start-of-run sweep spares it. */
  readonly cleanup: boolean;
  readonly session: string;
  readonly stopGraceSeconds: number;
  /** A short random suffix that makes the name unique. */
  readonly suffix: string;
  /** For a rank of a gang: its network and host name. */
  readonly rank?: SpecRank;
}

/**
 * The log driver every task uses: json-file keeps the whole output readable
 * through the service logs API. The size cap overrides a daemon-wide
 * `log-opts` max-size (which would silently drop the start of a long stdout)
 * with one no task reaches.
 */
export const TASK_LOG_DRIVER = { Name: "json-file", Options: { "max-size": "1t" } } as const;

/** A service name: `wdlrun-<call>-a<attempt>-<suffix>`, at most 63 characters of [a-z0-9-]. */
export function serviceName(callId: string, attempt: number, suffix: string): string {
  const tail = `-a${attempt}-${suffix}`;
  const call = callId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 63 - "wdlrun-".length - tail.length)
    .replace(/-$/, "");
  return `wdlrun-${call || "call"}${tail}`;
}

/** So many GPUs of one generic-resource kind. */
export interface GpuKindCount {
  readonly kind: string;
  readonly count: number;
}

/** The GPUs of `ids` counted by kind (`kindOf`), in order of first appearance. Pure. */
export function gpusByKind(ids: readonly string[], kindOf: (id: string) => string): GpuKindCount[] {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(kindOf(id), (counts.get(kindOf(id)) ?? 0) + 1);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}

/** The service that runs one attempt. */
export function serviceSpec(request: AttemptRequest, o: SpecOptions): SwarmServiceSpec {
  const r = request.resources;
  const layout = request.layout;
  const mounts: SpecMount[] = [
    ...bindMounts(layout, false),
    // The GPU ids wdlrun read back, and with them the go-ahead for the command (./wrapper.ts).
    ...(o.gpus.length > 0 ? [{ Type: "bind" as const, Source: gpusFile(request), Target: CONTAINER_GPUS, ReadOnly: true }] : []),
    // The stop file: an abort reaches the task through it on any node (./wrapper.ts).
    { Type: "bind", Source: stopFile(request), Target: CONTAINER_STOP, ReadOnly: true },
    ...r.disks
      .filter((d) => d.mountPoint !== "/" && d.mountPoint !== layout.workDir)
      .map((d): SpecMount => ({ Type: "volume", Source: "", Target: d.mountPoint })),
    // A service has no ShmSize: /dev/shm of the asked size is a tmpfs mounted over the engine's.
    ...(r.shmSizeBytes !== undefined ? [{ Type: "tmpfs", Source: "", Target: "/dev/shm", TmpfsOptions: { SizeBytes: Math.round(r.shmSizeBytes) } } as const] : []),
  ];
  const labels = { ...attemptLabels(request.runId, request.callId, request.attempt, o.session), ...(o.cleanup ? {} : { [LABEL_KEEP]: "1" }) };
  const nanoCpus = r.maxCpu !== undefined ? Math.round(r.maxCpu * 1e9) : undefined;
  const memoryLimit = r.maxMemoryBytes !== undefined ? Math.round(r.maxMemoryBytes) : undefined;
  // A reservation above its limit could never be used: reserve at most the limit.
  const reserveCpu = Math.min(Math.round(r.cpu * 1e9), nanoCpus ?? Infinity);
  const reserveMemory = Math.min(Math.round(r.memoryBytes), memoryLimit ?? Infinity);
  const limits = {
    ...(nanoCpus !== undefined ? { NanoCPUs: nanoCpus } : {}),
    ...(memoryLimit !== undefined ? { MemoryBytes: memoryLimit } : {}),
    ...(o.hardening.pidsLimit > 0 ? { Pids: o.hardening.pidsLimit } : {}),
  };
  const user = o.hardening.user;
  return {
    Name: serviceName(request.callId, request.attempt, o.suffix),
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: o.image,
        Labels: labels,
        Command: ["/bin/sh", "-c"],
        Args: [swarmWrapperScript(o.shell, o.owner, [layout.workDir], o.stopGraceSeconds, o.gpus.map((g) => g.kind))],
        Dir: layout.workDir,
        ...(user !== undefined ? { User: `${user.uid}:${user.gid}` } : {}),
        CapabilityDrop: DROPPED_CAPABILITIES.map((c) => `CAP_${c}`),
        Env: Object.entries(request.env).map(([k, v]) => `${k}=${v}`),
        Mounts: mounts,
        StopSignal: "SIGTERM",
        StopGracePeriod: Math.round(o.stopGraceSeconds * 1e9),
        ...(o.rank !== undefined ? { Hostname: o.rank.host } : {}),
      },
      ...(o.rank !== undefined ? { Networks: [{ Target: o.rank.network, Aliases: [o.rank.host] }] } : {}),
      Resources: {
        Reservations: {
          NanoCPUs: reserveCpu,
          MemoryBytes: reserveMemory,
          ...(o.gpus.length > 0 ? { GenericResources: o.gpus.map((g) => ({ DiscreteResourceSpec: { Kind: g.kind, Value: g.count } })) } : {}),
        },
        ...(Object.keys(limits).length > 0 ? { Limits: limits } : {}),
      },
      RestartPolicy: { Condition: "none", MaxAttempts: 0 },
      Placement: { Constraints: [`node.id==${o.nodeId}`] },
      LogDriver: TASK_LOG_DRIVER,
    },
    Mode: { Replicated: { Replicas: 1 } },
    ...(o.rank !== undefined ? { EndpointSpec: { Mode: "dnsrr" } } : {}),
  };
}
