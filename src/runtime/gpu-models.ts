/**
 * GPU models: a task's `gpu` hint may name a model (`"H100"`) and memory
 * (`"A100-80GB"`); this module reads such a name and matches it against what
 * a backend knows of its GPUs (on one engine the names and memory
 * `nvidia-smi` reports; on swarm, what the generic-resource kinds say).
 *
 * A model matches a GPU when every word of the model is a word of the GPU's
 * name (case-insensitive; words are split at spaces, dashes, underscores and
 * slashes), so `H100` matches `NVIDIA H100 80GB HBM3` and `A10` does not
 * match `NVIDIA A100-SXM4-80GB`. Memory matches when the GPU has at least 90%
 * of the size named: cards report a little less than their marketed size
 * (an "80GB" H100 reports 81559 MiB, a "16GB" T4 15360 MiB).
 */
import type { GpuDescription } from "../backends/backend.js";
import { formatBytes, parseStorage } from "./units.js";

/** A GPU model a task asks for. */
export interface GpuModel {
  /** As written (for messages). */
  readonly text: string;
  /** The model's words, upper-case (`["A100"]`, `["RTX", "4090"]`). */
  readonly words: readonly string[];
  /** The memory named (`-80GB`), in bytes; absent = any. */
  readonly memoryBytes?: number;
}

/** The share of the named memory a GPU must have to match. */
const MEMORY_SHARE = 0.9;

const wordsOf = (text: string): string[] =>
  text
    .toUpperCase()
    .split(/[\s_/-]+/)
    .filter((w) => w !== "");

/**
 * Reads a model name (`"H100"`, `"A100-80GB"`, `"RTX 4090 24 GiB"`): words,
 * then optionally a size with a unit. Undefined when no model word is left.
 */
export function parseGpuModel(text: string): GpuModel | undefined {
  const m = /^(.*?)[\s_-]*(\d+(?:\.\d+)?\s*[KMGT]i?B)$/i.exec(text.trim());
  const sized = m && wordsOf(m[1]!).length > 0 ? parseStorage(m[2]!, "GiB") : undefined;
  const words = wordsOf(sized !== undefined ? m![1]! : text);
  if (words.length === 0) return undefined;
  return { text: text.trim(), words, ...(sized !== undefined ? { memoryBytes: sized } : {}) };
}

/** Whether a GPU is of the model asked for. */
export function gpuMatches(model: GpuModel, gpu: GpuDescription | undefined): boolean {
  if (gpu === undefined) return false;
  const have = new Set(wordsOf(gpu.name));
  if (!model.words.every((w) => have.has(w))) return false;
  if (model.memoryBytes === undefined) return true;
  return gpu.memoryBytes !== undefined && gpu.memoryBytes >= model.memoryBytes * MEMORY_SHARE;
}

/** `GPU-… (NVIDIA H100 80GB HBM3, 79.6 GiB)`, or the id alone when nothing is known of it. */
export function describeGpu(id: string, gpu: GpuDescription | undefined): string {
  if (gpu === undefined) return id;
  return `${id} (${gpu.name}${gpu.memoryBytes !== undefined ? `, ${formatBytes(gpu.memoryBytes)}` : ""})`;
}
