/**
 * Turns a task's evaluated `requirements`, `hints` and `runtime` attributes
 * (plus overrides from the inputs JSON) into TaskConstraints, applying the
 * spec's defaults and aliases. Each key is read by one function in ./keys.ts.
 */
import type { WdlValue } from "../../values/value.js";
import type { GpuModel } from "../gpu-models.js";
import {
  acceleratorCount,
  acceleratorRequired,
  containerCandidates,
  cpuCount,
  diskRequests,
  gpuModelHint,
  maxRetries,
  memoryBytes,
  nodeCount,
  returnCodes,
  shmSizeBytes,
  type DiskRequest,
  type ReturnCodes,
} from "./keys.js";

/** Everything the runtime needs to know to run a task, resolved from its attributes. */
export interface TaskConstraints {
  /** Image candidates in order of preference; empty = any environment (`"*"` or nothing given). */
  readonly containers: readonly string[];
  readonly cpu: number;
  readonly memoryBytes: number;
  /** Number of GPUs needed (0 = none): `gpu: true` asks for one, or the `gpu` hint's count. */
  readonly gpuCount: number;
  /** The GPU model the `gpu` hint names (`"H100"`, `"A100-80GB"`); absent = any GPU. */
  readonly gpuModel?: GpuModel;
  /** Number of FPGAs needed. */
  readonly fpgaCount: number;
  readonly disks: readonly DiskRequest[];
  readonly maxRetries: number;
  readonly returnCodes: ReturnCodes;
  /** From the `max_cpu` / `max_memory` hints. */
  readonly maxCpu?: number;
  readonly maxMemoryBytes?: number;
  /** From wdlrun's `shm_size` hint: the size of `/dev/shm` in bytes; absent = the engine's default. */
  readonly shmSizeBytes?: number;
  /**
   * From wdlrun's `nodes` hint: how many ranks the attempt runs as one gang
   * (each with `cpu`, `memory` and `gpuCount`, admitted together); 1 = one
   * container, as without the hint.
   */
  readonly nodes: number;
  /** True when `cpu` / `memory` are the spec's defaults rather than written (the runtime may then fit them to a small machine). */
  readonly cpuDefaulted?: boolean;
  readonly memoryDefaulted?: boolean;
}

/** The spec's defaults (`container: "*"`, `cpu: 1`, `memory: "2 GiB"`, `disks: "1 GiB"`, …). */
export const DEFAULT_CONSTRAINTS: TaskConstraints = {
  containers: [],
  cpu: 1,
  memoryBytes: 2 * 1024 ** 3,
  gpuCount: 0,
  fpgaCount: 0,
  disks: [{ mountPoint: "/", sizeBytes: 1024 ** 3 }],
  maxRetries: 0,
  returnCodes: { kind: "list", codes: [0] },
  nodes: 1,
};

/** The evaluated attributes of one task, by section. Keys are as written (aliases allowed). */
export interface TaskAttributes {
  readonly requirements: ReadonlyMap<string, WdlValue>;
  readonly hints: ReadonlyMap<string, WdlValue>;
  /** The deprecated `runtime` section (WDL 1.0/1.1 or older-style 1.2). */
  readonly runtime: ReadonlyMap<string, WdlValue>;
}

/** Canonical requirement names and their aliases. */
const REQUIREMENT_ALIASES: ReadonlyMap<string, string> = new Map([
  ["docker", "container"],
  ["maxRetries", "max_retries"],
  ["returnCodes", "return_codes"],
]);
/** Canonical hint names and their aliases. */
const HINT_ALIASES: ReadonlyMap<string, string> = new Map([
  ["maxCpu", "max_cpu"],
  ["maxMemory", "max_memory"],
  ["localizationOptional", "localization_optional"],
]);

/** The canonical name of a requirement key (`docker` → `container`). */
export function canonicalRequirement(key: string): string {
  return REQUIREMENT_ALIASES.get(key) ?? key;
}
/** The canonical name of a hint key (`maxCpu` → `max_cpu`). */
export function canonicalHint(key: string): string {
  return HINT_ALIASES.get(key) ?? key;
}

/** A value together with the key it was written under (for messages). */
interface Written {
  readonly key: string;
  readonly value: WdlValue;
}

function canonicalize(into: Map<string, Written>, from: ReadonlyMap<string, WdlValue>, canon: (k: string) => string, prefix: string): void {
  for (const [key, value] of from) into.set(canon(key), { key: prefix + key, value });
}

/**
 * Resolves the constraints of a task. `runtime` attributes count as
 * requirements for the reserved names and as hints for the rest; values in
 * `overrides` (from `…requirements.KEY` / `…hints.KEY` input keys) supersede
 * what the document wrote. Throws a RequirementError for an unusable value.
 */
export function resolveConstraints(attrs: TaskAttributes, overrides?: TaskAttributes): TaskConstraints {
  const req = new Map<string, Written>();
  const hint = new Map<string, Written>();
  canonicalize(req, attrs.runtime, canonicalRequirement, "runtime.");
  canonicalize(hint, attrs.runtime, canonicalHint, "runtime.");
  canonicalize(req, attrs.requirements, canonicalRequirement, "requirements.");
  canonicalize(hint, attrs.hints, canonicalHint, "hints.");
  if (overrides) {
    canonicalize(req, overrides.runtime, canonicalRequirement, "runtime.");
    canonicalize(req, overrides.requirements, canonicalRequirement, "requirements.");
    canonicalize(hint, overrides.hints, canonicalHint, "hints.");
  }
  const read = <T>(m: Map<string, Written>, name: string, f: (key: string, v: WdlValue) => T, fallback: T): T => {
    const w = m.get(name);
    return w === undefined || w.value.kind === "None" ? fallback : f(w.key, w.value);
  };
  const d = DEFAULT_CONSTRAINTS;
  const given = (m: Map<string, Written>, name: string) => m.has(name) && m.get(name)!.value.kind !== "None";
  const gpuNeeded = read(req, "gpu", acceleratorRequired, false);
  const fpgaNeeded = read(req, "fpga", acceleratorRequired, false);
  const maxCpu = read<number | undefined>(hint, "max_cpu", cpuCount, undefined);
  const maxMemory = read<number | undefined>(hint, "max_memory", memoryBytes, undefined);
  const gpuModel = gpuNeeded ? read<GpuModel | undefined>(hint, "gpu", gpuModelHint, undefined) : undefined;
  const shmSize = read<number | undefined>(hint, "shm_size", shmSizeBytes, undefined);
  return {
    containers: read(req, "container", containerCandidates, d.containers),
    cpu: read(req, "cpu", cpuCount, d.cpu),
    memoryBytes: read(req, "memory", memoryBytes, d.memoryBytes),
    gpuCount: gpuNeeded ? Math.max(1, read(hint, "gpu", acceleratorCount, 1)) : 0,
    fpgaCount: fpgaNeeded ? Math.max(1, read(hint, "fpga", acceleratorCount, 1)) : 0,
    disks: read(req, "disks", diskRequests, d.disks),
    maxRetries: read(req, "max_retries", maxRetries, d.maxRetries),
    returnCodes: read(req, "return_codes", returnCodes, d.returnCodes),
    nodes: read(hint, "nodes", nodeCount, d.nodes),
    ...(maxCpu !== undefined ? { maxCpu } : {}),
    ...(maxMemory !== undefined ? { maxMemoryBytes: maxMemory } : {}),
    ...(shmSize !== undefined ? { shmSizeBytes: shmSize } : {}),
    ...(gpuModel !== undefined ? { gpuModel } : {}),
    ...(given(req, "cpu") ? {} : { cpuDefaulted: true }),
    ...(given(req, "memory") ? {} : { memoryDefaulted: true }),
  };
}
