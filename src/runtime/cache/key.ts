/**
 * The key of a call in the call cache, kept as its parts so that a miss can
 * be explained part by part (`wdlrun cache explain`):
 *
 * - `format`: the cache format version (CACHE_FORMAT);
 * - `backend`: the backend kind;
 * - `task`: the task's definition as the engine evaluates it: a canonical
 *   form of its AST (WDL version, inputs, private declarations, the command
 *   template after indentation stripping, outputs, the declared types with
 *   struct members resolved), so comments and layout do not count; meta,
 *   parameter_meta and the requirement/hint sections are not part of it;
 * - `requirements`: the evaluated requirements, hints and runtime attributes
 *   (with the inputs JSON's overrides) that can change what a task produces;
 *   scheduling-only keys (RESULT_NEUTRAL_KEYS) and the container name are not;
 * - `image`: the id of the image the engine resolves the container name to
 *   (not the tag: a retagged image is a different key);
 * - `inputs`: one hash per input and private declaration of its evaluated
 *   value, with every File and Directory counted by its base name and
 *   content digest, not its path (an upstream output lives in a new run
 *   directory each run).
 */
import path from "node:path";
import type { CheckedTask } from "../../analysis/index.js";
import type { BackendKind } from "../../backends/backend.js";
import { dedentCommand } from "../../eval/command.js";
import { stringifyJson } from "../../values/json-text.js";
import { valueToJson } from "../../values/json.js";
import type { WdlValue } from "../../values/value.js";
import { canonicalRequirement, canonicalHint, type TaskAttributes } from "../requirements/constraints.js";
import { canonicalJson, sha256 } from "./canonical.js";
import type { ContentDigests } from "./digest.js";
import { encodeValue } from "./values.js";

/** Bump when the key or the entry layout changes: older entries then never match. */
export const CACHE_FORMAT = 1;

/** The parts of a call's key, each a hash (inputs: one per declaration). */
export interface KeyComponents {
  readonly format: number;
  readonly backend: BackendKind;
  readonly task: string;
  readonly requirements: string;
  readonly image: string;
  readonly inputs: Readonly<Record<string, string>>;
}

/** What the parts stand for, in words, for `cache explain` (not part of the key). */
export interface KeyDetails {
  /** The container name the image id was resolved from. */
  readonly imageName?: string;
  /** Each requirement that counts, as WDL-ish text. */
  readonly requirements: Readonly<Record<string, string>>;
  /** Each input's value, short, with files as `name (digest)`. */
  readonly inputs: Readonly<Record<string, string>>;
}

/** A call's key: its parts, what they stand for, and the hash of the parts. */
export interface CallKey {
  readonly hash: string;
  readonly components: KeyComponents;
  readonly details: KeyDetails;
}

/**
 * Requirement and hint keys that decide where and how often a task runs,
 * never what it produces; left out of the key (`container` is replaced by
 * the image id; `cache` is wdlrun's own switch).
 */
export const RESULT_NEUTRAL_KEYS: ReadonlySet<string> = new Set([
  "container",
  "cache",
  "max_retries",
  "preemptible",
  "short_task",
  "max_cpu",
  "max_memory",
  "shm_size",
  "localization_optional",
]);

/** What the key is computed from. */
export interface KeySource {
  readonly task: CheckedTask;
  readonly backend: BackendKind;
  /** The engine's id of the image, and the name it was resolved from; absent when no image runs (local). */
  readonly image?: { readonly id: string; readonly name: string };
  readonly attributes: TaskAttributes;
  readonly overrides?: TaskAttributes;
  /** Every input and private declaration's value, by name. */
  readonly values: ReadonlyMap<string, WdlValue>;
}

/** Computes the key (reads input files whose digest is not known yet). */
export async function callKey(source: KeySource, digests: ContentDigests): Promise<CallKey> {
  const requirements = requirementsThatCount(source.attributes, source.overrides);
  const reqText: Record<string, string> = {};
  for (const [k, v] of requirements) reqText[k] = showValue(v);
  const inputs: Record<string, string> = {};
  const shown: Record<string, string> = {};
  for (const name of [...source.values.keys()].sort()) {
    const files: string[] = [];
    const encoded = await encodeValue(source.values.get(name)!, async (p, kind) => {
      const digest = await digests.of(p, kind);
      files.push(`${path.basename(p)} (${digest.slice(0, 19)}…)`);
      return [path.basename(p), digest];
    });
    const text = canonicalJson(encoded);
    inputs[name] = sha256(text);
    shown[name] = files.length > 0 ? files.join(", ") : shorten(showValue(source.values.get(name)!));
  }
  const components: KeyComponents = {
    format: CACHE_FORMAT,
    backend: source.backend,
    task: taskDefinitionHash(source.task),
    requirements: sha256(canonicalJson([...requirements].map(([k, v]) => [k, plain(v)]))),
    image: source.image?.id ?? "none",
    inputs,
  };
  const details: KeyDetails = { ...(source.image ? { imageName: source.image.name } : {}), requirements: reqText, inputs: shown };
  return { hash: keyHash(components), components, details };
}

/** The hash of a key's parts. */
export function keyHash(components: KeyComponents): string {
  return sha256(canonicalJson(components)).slice("sha256:".length);
}

const definitionHashes = new WeakMap<CheckedTask, string>();

/** The hash of the canonical form of a task's definition (computed once per task). */
export function taskDefinitionHash(task: CheckedTask): string {
  let h = definitionHashes.get(task);
  if (h === undefined) {
    h = sha256(canonicalJson(taskDefinition(task)));
    definitionHashes.set(task, h);
  }
  return h;
}

/** The parts of a task's definition that decide what it computes, without positions, comments or layout. */
export function taskDefinition(task: CheckedTask): unknown {
  const def = task.def;
  const doc = task.document;
  const decls = [...(def.inputs?.declarations ?? []), ...def.privateDeclarations, ...(def.outputs?.declarations ?? [])];
  return {
    version: doc.version,
    inputs: def.inputs?.declarations ?? [],
    privateDeclarations: def.privateDeclarations,
    command: def.command ? commandTemplate(def.command) : null,
    outputs: def.outputs?.declarations ?? [],
    types: decls.map((d) => [d.name.name, doc.declType(d)]),
  };
}

/** The command as a list of text runs and placeholders, after the spec's whitespace stripping. */
function commandTemplate(section: NonNullable<CheckedTask["def"]["command"]>): unknown[] {
  const out: unknown[] = [];
  for (const part of dedentCommand(section)) {
    const last = out[out.length - 1];
    if (part.kind === "Text" && typeof last === "string") out[out.length - 1] = last + part.text;
    else out.push(part.kind === "Text" ? part.text : part);
  }
  return out;
}

/** The evaluated requirements, hints and runtime attributes that count, by canonical name, sorted (later sections win, overrides last). */
export function requirementsThatCount(attributes: TaskAttributes, overrides?: TaskAttributes): Map<string, WdlValue> {
  const merged = new Map<string, WdlValue>();
  const add = (m: ReadonlyMap<string, WdlValue>) => {
    for (const [k, v] of m) merged.set(canonicalHint(canonicalRequirement(k)), v);
  };
  for (const a of overrides ? [attributes, overrides] : [attributes]) {
    add(a.runtime);
    add(a.requirements);
    add(a.hints);
  }
  const out = new Map<string, WdlValue>();
  for (const k of [...merged.keys()].sort()) if (!RESULT_NEUTRAL_KEYS.has(k)) out.set(k, merged.get(k)!);
  return out;
}

/** A value as plain data for `canonicalJson` (for the requirements part; files by path). */
function plain(v: WdlValue): unknown {
  switch (v.kind) {
    case "None":
      return null;
    case "Boolean":
    case "Float":
    case "String":
    case "File":
    case "Directory":
      return v.value;
    case "Int":
      return v.value;
    case "Array":
      return v.items.map(plain);
    case "Map":
      return v.entries.map(([k, x]) => [plain(k), plain(x)]);
    case "Pair":
      return [plain(v.left), plain(v.right)];
    case "Struct":
    case "Object":
      return Object.fromEntries([...v.members].map(([k, x]) => [k, plain(x)]));
  }
}

/** A value as JSON text (lenient: Pairs as objects), for people. */
function showValue(v: WdlValue): string {
  try {
    return stringifyJson(valueToJson(v));
  } catch {
    return v.kind;
  }
}

function shorten(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** One part of two keys that differs, in words. */
export interface KeyDifference {
  readonly part: "format" | "backend" | "task" | "requirements" | "image" | "input";
  readonly message: string;
}

/** How key `now` differs from key `was`, part by part (empty: the same key). */
export function diffKeys(was: { components: KeyComponents; details: KeyDetails }, now: { components: KeyComponents; details: KeyDetails }): KeyDifference[] {
  const a = was.components;
  const b = now.components;
  const out: KeyDifference[] = [];
  if (a.format !== b.format) out.push({ part: "format", message: `cache format ${a.format} → ${b.format} (entries of another wdlrun version)` });
  if (a.backend !== b.backend) out.push({ part: "backend", message: `backend ${a.backend} → ${b.backend}` });
  if (a.task !== b.task) out.push({ part: "task", message: "the task's definition changed (command, declarations, outputs or types)" });
  if (a.requirements !== b.requirements) {
    const keys = [...new Set([...Object.keys(was.details.requirements), ...Object.keys(now.details.requirements)])].sort();
    const changed = keys
      .filter((k) => was.details.requirements[k] !== now.details.requirements[k])
      .map((k) => `${k}: ${was.details.requirements[k] ?? "(none)"} → ${now.details.requirements[k] ?? "(none)"}`);
    out.push({ part: "requirements", message: `requirements/hints changed: ${changed.join("; ") || "(values differ)"}` });
  }
  if (a.image !== b.image) {
    const name = (d: KeyDetails) => (d.imageName ? `${d.imageName} = ` : "");
    out.push({ part: "image", message: `image ${name(was.details)}${a.image} → ${name(now.details)}${b.image}` });
  }
  const names = [...new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)])].sort();
  for (const n of names) {
    if (a.inputs[n] === b.inputs[n]) continue;
    const before = a.inputs[n] === undefined ? "(absent)" : (was.details.inputs[n] ?? "?");
    const after = b.inputs[n] === undefined ? "(absent)" : (now.details.inputs[n] ?? "?");
    out.push({ part: "input", message: `input ${n}: ${before} → ${after}` });
  }
  return out;
}
