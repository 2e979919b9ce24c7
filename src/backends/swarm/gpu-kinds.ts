/**
 * Which generic-resource kinds of a swarm are GPUs, and of which model.
 *
 * Swarm nodes advertise GPUs as generic resources (`dockerd
 * --node-generic-resource KIND=ID`). wdlrun reads three sources, in order:
 *   - `swarm.gpu_kind` (default `NVIDIA-GPU`): GPUs (a task whose `gpu` hint
 *     names a model gets one only when the kind names it, as below);
 *   - kinds `NVIDIA-<MODEL>` (`NVIDIA-H100`, `NVIDIA-A100-80GB`) but
 *     `NVIDIA-GPU`, the usual kind of GPUs of no stated model: GPUs of that
 *     model, its memory included when the kind names one;
 *   - `swarm.gpu_models` entries `KIND=MODEL` (`"GPU-BIG=A100 80GB"`): any
 *     kind, of the model named (these win over the `NVIDIA-` reading).
 * The model is matched against a `gpu` hint by ../../runtime/gpu-models.ts.
 * Pure.
 */
import { parseGpuModel } from "../../runtime/gpu-models.js";
import type { GpuDescription } from "../backend.js";

/** The GPU kinds of a swarm: each with its model (undefined = not stated). */
export type GpuKinds = ReadonlyMap<string, GpuDescription | undefined>;

/** The prefix of kinds read as `NVIDIA-<MODEL>`. */
const MODEL_PREFIX = "NVIDIA-";

/** The kind that names no model (the default of `swarm.gpu_kind`). */
const PLAIN_KIND = "NVIDIA-GPU";

/**
 * The GPU kinds among the `advertised` kinds: `gpuKind` (always, advertised
 * or not), `NVIDIA-<MODEL>` kinds, and those `configured` (`KIND=MODEL`
 * strings, already checked by `parseGpuModelEntries`).
 */
export function gpuKinds(advertised: readonly string[], gpuKind: string, configured: ReadonlyMap<string, GpuDescription>): GpuKinds {
  const out = new Map<string, GpuDescription | undefined>([[gpuKind, configured.get(gpuKind) ?? modelOfKind(gpuKind)]]);
  for (const kind of advertised) {
    if (kind === gpuKind) continue;
    const model = configured.get(kind) ?? modelOfKind(kind);
    if (model !== undefined) out.set(kind, model);
  }
  return out;
}

/** The model an `NVIDIA-<MODEL>` kind names; undefined for other kinds and `NVIDIA-GPU`. */
function modelOfKind(kind: string): GpuDescription | undefined {
  const upper = kind.toUpperCase();
  if (!upper.startsWith(MODEL_PREFIX) || upper === PLAIN_KIND) return undefined;
  return describeModel(kind.slice(MODEL_PREFIX.length));
}

/**
 * Reads `swarm.gpu_models` entries (`KIND=MODEL`); a malformed one is an
 * error naming the key and the entry.
 */
export function parseGpuModelEntries(entries: readonly string[]): Map<string, GpuDescription> {
  const out = new Map<string, GpuDescription>();
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    const kind = eq > 0 ? entry.slice(0, eq).trim() : "";
    const model = eq > 0 ? describeModel(entry.slice(eq + 1)) : undefined;
    if (kind === "" || model === undefined) {
      throw new Error(`swarm.gpu_models: ${JSON.stringify(entry)} is not KIND=MODEL (for example "NVIDIA-BIG=A100 80GB")`);
    }
    out.set(kind, model);
  }
  return out;
}

/** A model text (`H100`, `A100-80GB`) as a GPU description, memory apart. */
function describeModel(text: string): GpuDescription | undefined {
  const model = parseGpuModel(text.replace(/_/g, " "));
  if (model === undefined) return undefined;
  return { name: model.words.join(" "), ...(model.memoryBytes !== undefined ? { memoryBytes: model.memoryBytes } : {}) };
}
