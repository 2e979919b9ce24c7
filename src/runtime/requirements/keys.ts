/**
 * One function per requirement/hint attribute (spec "Requirements attributes"
 * and "Reserved Task Hints"): each turns an evaluated WdlValue into the typed
 * value the runtime uses, or throws a RequirementError naming the key.
 */
import type { WdlValue } from "../../values/value.js";
import { parseGpuModel, type GpuModel } from "../gpu-models.js";
import { parseStorage } from "../units.js";
import { describeValue, readBoolean, readInt, readNumber, readString, readStringList, RequirementError } from "./read-value.js";

/** A disk request: `mountPoint` is `/` for the task's working disk. */
export interface DiskRequest {
  readonly mountPoint: string;
  readonly sizeBytes: number;
}

/** Which success codes a task accepts: every code, or a list. */
export type ReturnCodes = { readonly kind: "any" } | { readonly kind: "list"; readonly codes: readonly number[] };

const GIB = 1024 ** 3;

/**
 * `container` / `docker`: image candidates in order of preference. `"*"`
 * (alone or in a list) means any environment and yields no candidate. URIs
 * with the `docker://` protocol are stripped to their location; other
 * protocols are ignored, as the spec allows; it is an error when a list of
 * images leaves no usable candidate.
 */
export function containerCandidates(key: string, v: WdlValue): string[] {
  const written = readStringList(key, v);
  const out: string[] = [];
  let sawAny = false;
  for (const uri of written) {
    if (uri.trim() === "*") {
      sawAny = true;
      continue;
    }
    const proto = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri);
    if (!proto) out.push(uri.trim());
    else if (proto[1]!.toLowerCase() === "docker") out.push(uri.slice(proto[0].length));
  }
  if (out.length === 0 && !sawAny && written.length > 0)
    throw new RequirementError(key, `none of the containers ${written.map((w) => JSON.stringify(w)).join(", ")} uses a protocol wdlrun supports (docker)`);
  return out;
}

/** `cpu`, `max_cpu`: a positive number of cores. */
export function cpuCount(key: string, v: WdlValue): number {
  const n = readNumber(key, v);
  if (!(n > 0)) throw new RequirementError(key, `must be greater than 0, got ${describeValue(v)}`);
  return n;
}

/** `memory`, `max_memory`: Int bytes, or a String with an optional unit suffix (bytes when none). */
export function memoryBytes(key: string, v: WdlValue): number {
  let bytes: number | undefined;
  if (v.kind === "Int" || v.kind === "Float") bytes = readNumber(key, v);
  else {
    const text = readString(key, v);
    bytes = parseStorage(text, "B");
    if (bytes === undefined) throw new RequirementError(key, `${JSON.stringify(text)} is not a size such as "2 GiB" or "512 MB"`);
  }
  if (!(bytes > 0)) throw new RequirementError(key, `must be greater than 0, got ${describeValue(v)}`);
  return Math.ceil(bytes);
}

/**
 * `shm_size` (a wdlrun hint, not the spec's): the size of the container's
 * `/dev/shm`, as `memory` is written (Int bytes, or a String with a unit).
 * Deep-learning data loaders need more than an engine's default (64 MiB on Docker).
 */
export function shmSizeBytes(key: string, v: WdlValue): number {
  return memoryBytes(key, v);
}

/** `gpu`, `fpga` (requirements): whether at least one accelerator is needed. Older `runtime` sections may write a count. */
export function acceleratorRequired(key: string, v: WdlValue): boolean {
  if (v.kind === "Int") return v.value > 0n;
  return readBoolean(key, v);
}

/** `gpu`, `fpga` (hints): how many accelerators; a String specification means one. */
export function acceleratorCount(key: string, v: WdlValue): number {
  if (v.kind === "String") {
    const n = Number(v.value);
    return Number.isInteger(n) && n > 0 ? n : 1;
  }
  if (v.kind === "Boolean") return v.value ? 1 : 0;
  const n = readInt(key, v);
  if (n < 0) throw new RequirementError(key, `must not be negative, got ${n}`);
  return n;
}

/**
 * `gpu` (hints): the model a String names (`"H100"`, `"A100-80GB"`: model
 * words, then optionally memory with a unit); undefined for a count.
 */
export function gpuModelHint(key: string, v: WdlValue): GpuModel | undefined {
  if (v.kind !== "String") return undefined;
  const n = Number(v.value);
  if (v.value.trim() !== "" && Number.isInteger(n) && n > 0) return undefined;
  const model = parseGpuModel(v.value);
  if (model === undefined) throw new RequirementError(key, `${JSON.stringify(v.value)} is neither a GPU count nor a model such as "H100" or "A100-80GB"`);
  return model;
}

/**
 * `disks`: Int GiB, a specification `"[mount-point] size [unit]"`, or an
 * array of them. A size without a unit is GiB. The cloud-style
 * `"local-disk 100 HDD"` is read as the working disk; a trailing disk class
 * (HDD, SSD, LOCAL) is ignored. At most one spec may omit the mount point.
 */
export function diskRequests(key: string, v: WdlValue): DiskRequest[] {
  if (v.kind === "Int" || v.kind === "Float") return [{ mountPoint: "/", sizeBytes: Math.ceil(readNumber(key, v) * GIB) }];
  const specs = readStringList(key, v);
  const disks = specs.map((s) => parseDiskSpec(key, s));
  const seen = new Set<string>();
  for (const d of disks) {
    if (seen.has(d.mountPoint))
      throw new RequirementError(key, d.mountPoint === "/" ? "only one disk may omit its mount point" : `mount point ${d.mountPoint} is given twice`);
    seen.add(d.mountPoint);
  }
  return disks;
}

function parseDiskSpec(key: string, spec: string): DiskRequest {
  const words = spec.trim().split(/\s+/).filter((w) => w !== "");
  let mountPoint = "/";
  if (words.length > 0 && (words[0]!.startsWith("/") || words[0] === "local-disk")) {
    mountPoint = words[0] === "local-disk" ? "/" : words[0]!;
    words.shift();
  }
  if (words.length > 1 && /^(hdd|ssd|local)$/i.test(words[words.length - 1]!)) words.pop();
  const sizeText = words.join(" ");
  const bytes = words.length === 0 || words.length > 2 ? undefined : parseStorage(sizeText, "GiB");
  if (bytes === undefined) throw new RequirementError(key, `${JSON.stringify(spec)} is not a disk specification such as "10", "10 GiB" or "/mnt/data 10 GiB"`);
  return { mountPoint, sizeBytes: bytes };
}

/**
 * `nodes` (a wdlrun hint, not the spec's): how many ranks of a gang the
 * attempt runs, each with the task's cpu, memory and GPUs; an Int of at
 * least 1 (1 = one container, as without the hint).
 */
export function nodeCount(key: string, v: WdlValue): number {
  const n = readInt(key, v);
  if (n < 1) throw new RequirementError(key, `must be an Int of at least 1 (the number of ranks), got ${n}`);
  return n;
}

/** `max_retries` / `maxRetries`: how many times a failed attempt is retried. */
export function maxRetries(key: string, v: WdlValue): number {
  const n = readInt(key, v);
  if (n < 0) throw new RequirementError(key, `must not be negative, got ${n}`);
  return n;
}

/** `return_codes` / `returnCodes`: `"*"`, one Int, or an array of Ints. */
export function returnCodes(key: string, v: WdlValue): ReturnCodes {
  if (v.kind === "String") {
    if (v.value.trim() === "*") return { kind: "any" };
    const n = Number(v.value);
    if (Number.isInteger(n)) return { kind: "list", codes: [n] };
    throw new RequirementError(key, `expected "*", an Int or an array of Ints, got ${describeValue(v)}`);
  }
  if (v.kind === "Array") return { kind: "list", codes: v.items.map((i) => readInt(key, i)) };
  return { kind: "list", codes: [readInt(key, v)] };
}

/** Whether `code` counts as success under `rc`. */
export function isSuccessCode(rc: ReturnCodes, code: number): boolean {
  return rc.kind === "any" || rc.codes.includes(code);
}
