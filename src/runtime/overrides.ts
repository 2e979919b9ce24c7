/**
 * Requirement and hint overrides from the inputs JSON
 * (`wf.call.requirements.memory`, `….hints.max_cpu`, `….runtime.docker`),
 * checked when the inputs are read, before anything runs: a `requirements`
 * key must be one the spec reserves (an unknown one names the nearest), and
 * the value of a reserved key must have the key's type and be usable (the
 * same readers the task runner applies). `hints` and `runtime` may hold any
 * key (engine-specific ones), so an unknown key there is only warned about
 * when it looks like a typo of a reserved one.
 */
import { reservedKey, REQUIREMENT_KEYS, TASK_HINT_KEYS, type ReservedKey } from "../analysis/index.js";
import { didYouMean } from "../analysis/messages.js";
import type { WdlVersion } from "../syntax/ast.js";
import { versionAtLeast } from "../syntax/ast.js";
import { isCoercible } from "../types/coercion.js";
import { describeValue, runtimeTypeOf } from "../values/format.js";
import type { WdlValue } from "../values/value.js";
import { resolveConstraints } from "./requirements/constraints.js";
import { RequirementError } from "./requirements/read-value.js";

/** The sections an override may name. */
export type OverrideSection = "requirements" | "hints" | "runtime";

/** Whether `name` is an override section. */
export function isOverrideSection(name: string): name is OverrideSection {
  return name === "requirements" || name === "hints" || name === "runtime";
}

/**
 * Checks the override `value` of `section.name` given as input `key` to a task
 * of `version`. Returns the problem (one line), or undefined when it is
 * usable; `warn` receives notes about keys that are kept but look mistyped.
 */
export function overrideProblem(
  section: OverrideSection,
  name: string,
  value: WdlValue,
  key: string,
  version: WdlVersion,
  warn?: (message: string) => void,
): string | undefined {
  const reserved = reservedKey(section === "hints" ? "task-hints" : section, name);
  const known = reserved && (!reserved.since || versionAtLeast(version, reserved.since)) ? reserved : undefined;
  if (!known) {
    const names = (section === "hints" ? TASK_HINT_KEYS : REQUIREMENT_KEYS).map((k) => k.name);
    const hint = didYouMean(name, section === "runtime" ? [...names, ...TASK_HINT_KEYS.map((k) => k.name)] : names);
    if (section === "requirements")
      return `unknown requirement ${JSON.stringify(name)} in input ${JSON.stringify(key)}${hint ? `: ${hint}` : ""} (requirements are ${names.join(", ")})`;
    // Any hint or runtime key is allowed (engine-specific ones); one that looks like a typo is worth a note.
    if (hint && !(section === "runtime" && reservedKey("task-hints", name))) warn?.(`input ${JSON.stringify(key)}: ${JSON.stringify(name)} is not a key wdlrun reads (${hint}); it is kept as given`);
    return undefined;
  }
  if (value.kind === "None") return undefined;
  if (!accepts(known, value)) return `input ${JSON.stringify(key)}: ${section}.${known.name} must be ${known.describe}, but the inputs give ${describeValue(value)}`;
  // The value has the right type; the readers the task runner uses say whether it is usable ("lots" is no memory size).
  const one = new Map([[name, value]]);
  const empty = new Map<string, WdlValue>();
  try {
    resolveConstraints(
      { requirements: empty, hints: empty, runtime: empty },
      { requirements: section === "requirements" ? one : empty, hints: section === "hints" ? one : empty, runtime: section === "runtime" ? one : empty },
    );
  } catch (e) {
    if (e instanceof RequirementError) return `input ${JSON.stringify(key)}: ${e.message}`;
    throw e;
  }
  return undefined;
}

function accepts(key: ReservedKey, value: WdlValue): boolean {
  const t = runtimeTypeOf(value);
  // `inputs`/`outputs` hints are literals of their own kind; JSON gives an Object for them.
  return key.accepts.some((a) => a.kind === "HintsScoped" || isCoercible(t, a));
}
