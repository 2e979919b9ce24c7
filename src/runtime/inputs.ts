/**
 * Run inputs: the standard inputs JSON (fully qualified keys such as `wf.x`,
 * `wf.call.x`, `wf.call.requirements.memory`) and `key=value` command-line
 * arguments, read against the target's declared input types into an
 * InputTree per callable. Relative File/Directory paths resolve against the
 * directory of the source they came from; overrides are checked by
 * ./overrides.ts. Every problem is collected and
 * reported together, each naming the key (and the expected type).
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import { statSync, type Stats } from "node:fs";
import path from "node:path";
import { kindProblem, nodeType } from "../backends/layout.js";
import type { Callable, CheckedWorkflow, InputInfo } from "../analysis/index.js";
import { typeToString, type WdlType } from "../types/types.js";
import { ValueError } from "../values/errors.js";
import { parseJsonText } from "../values/json-text.js";
import { valueFromJson, valueFromJsonUntyped } from "../values/json.js";
import type { WdlValue } from "../values/value.js";
import { isOverrideSection, overrideProblem } from "./overrides.js";
import { mapMembers, memberType } from "./value-paths.js";

/** One source of inputs: a JSON object and the directory its relative paths are relative to. */
export interface InputSource {
  readonly json: Readonly<Record<string, unknown>>;
  readonly baseDir: string;
  /** For messages: `inputs.json`, `the command line`. */
  readonly origin: string;
}

/** The inputs of one callable instance (the target, or a call inside it). */
export interface InputTree {
  /** Values for the callable's own inputs, by input name. */
  readonly values: Map<string, WdlValue>;
  /** Inputs of calls inside a workflow, by call name. */
  readonly calls: Map<string, InputTree>;
  /** `…requirements.KEY` / `…hints.KEY` / `…runtime.KEY` overrides (tasks only). */
  readonly requirements: Map<string, WdlValue>;
  readonly hints: Map<string, WdlValue>;
  readonly runtime: Map<string, WdlValue>;
}

/** Invalid inputs; `problems` are one line each. */
export class InputsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "InputsError";
  }
}

/** An empty InputTree. */
export function emptyInputTree(): InputTree {
  return { values: new Map(), calls: new Map(), requirements: new Map(), hints: new Map(), runtime: new Map() };
}

/** Parses the text of an inputs file (integers stay exact); throws InputsError naming the file. */
export function parseInputsText(text: string, file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    throw new InputsError([`${file}: ${e instanceof Error ? e.message : String(e)}`]);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new InputsError([`${file}: the inputs must be a JSON object`]);
  return json as Record<string, unknown>;
}

/**
 * A `key=value` value: its text and the JSON it parses to (the text itself
 * when it is not JSON). For a String, File or Directory input the text is
 * used as written, so `sample=007` stays "007".
 */
export class CommandLineValue {
  constructor(
    readonly text: string,
    readonly parsed: unknown,
  ) {}

  /** What the value reads as for an input of `type`. */
  forType(type: WdlType): unknown {
    const k = type.kind;
    return (k === "String" || k === "File" || k === "Directory") && typeof this.parsed !== "string" && this.parsed !== null ? this.text : this.parsed;
  }
}

/** Replaces CommandLineValues by what they parse to (for `inputs.json`). */
export function plainInputs(json: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) out[k] = v instanceof CommandLineValue ? v.parsed : v;
  return out;
}

/**
 * Reads `key=value` arguments: the value is parsed as JSON when it parses,
 * else taken as a string (see CommandLineValue). A key without the `target.`
 * prefix gets it.
 */
export function parseKeyValueArgs(args: readonly string[], target: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) {
      problems.push(`${JSON.stringify(arg)} is not an input of the form key=value`);
      continue;
    }
    const rawKey = arg.slice(0, eq).trim();
    const text = arg.slice(eq + 1);
    let parsed: unknown;
    try {
      parsed = parseJsonText(text);
    } catch {
      parsed = text;
    }
    const key = rawKey.startsWith(`${target}.`) ? rawKey : `${target}.${rawKey}`;
    out[key] = new CommandLineValue(text, parsed);
  }
  if (problems.length > 0) throw new InputsError(problems);
  return out;
}

/** Options of `buildInputTree`. */
export interface BuildInputsOptions {
  /** Check that local File/Directory inputs exist (default true). */
  readonly checkFilesExist?: boolean;
  /** Receives warnings (e.g. an ignored nested input). */
  readonly warn?: (message: string) => void;
}

/**
 * Reads every source (later ones override earlier ones, key by key) into the
 * InputTree of `target`, named `targetName` in the keys. Throws InputsError
 * listing every problem.
 */
export function buildInputTree(target: Callable, targetName: string, sources: readonly InputSource[], options: BuildInputsOptions = {}): InputTree {
  const merged = new Map<string, { value: unknown; source: InputSource }>();
  for (const s of sources) for (const [k, v] of Object.entries(s.json)) merged.set(k, { value: v, source: s });
  const tree = emptyInputTree();
  const problems: string[] = [];
  // Keys given but refused (bad value, missing file): not reported again as missing.
  const refused = new Set<string>();
  for (const [key, { value, source }] of merged) {
    const segments = key.split(".");
    if (segments[0] !== targetName || segments.length < 2) {
      const hint = target.inputByName.has(key) ? `; did you mean ${JSON.stringify(`${targetName}.${key}`)}?` : "";
      problems.push(`unknown input ${JSON.stringify(key)}: input keys start with ${JSON.stringify(targetName + ".")}${hint}`);
      continue;
    }
    try {
      place(target, tree, segments.slice(1), key, value, source, true, options);
    } catch (e) {
      if (e instanceof ValueError || e instanceof InputsError) {
        problems.push(...(e instanceof InputsError ? e.problems : [e.message]));
        refused.add(key);
      } else throw e;
    }
  }
  for (const info of target.inputs) {
    const key = `${targetName}.${info.name}`;
    if (info.required && !tree.values.has(info.name) && !refused.has(key))
      problems.push(`missing required input ${JSON.stringify(key)} (${typeToString(info.type)})`);
  }
  if (target.kind === "workflow") missingCallInputs(target, tree, targetName, problems, refused);
  if (problems.length > 0) throw new InputsError(problems);
  return tree;
}

function place(
  callable: Callable,
  tree: InputTree,
  rest: readonly string[],
  key: string,
  json: unknown,
  source: InputSource,
  nestedAllowed: boolean,
  options: BuildInputsOptions,
): void {
  const head = rest[0]!;
  if (rest.length === 1) {
    const info = callable.inputByName.get(head);
    if (!info) throw new InputsError([unknownKey(key, callable)]);
    setInput(tree, info, readInput(info, json, key, source, options));
    return;
  }
  if (callable.kind === "task") {
    if (!isOverrideSection(head) || rest.length !== 2) throw new InputsError([unknownKey(key, callable)]);
    const value = valueFromJsonUntyped(json instanceof CommandLineValue ? json.parsed : json);
    const problem = overrideProblem(head, rest[1]!, value, key, callable.document.version, options.warn);
    if (problem !== undefined) throw new InputsError([problem]);
    tree[head].set(rest[1]!, value);
    return;
  }
  const call = findCall(callable, head);
  if (!call) throw new InputsError([unknownKey(key, callable)]);
  let child = tree.calls.get(head);
  if (!child) {
    child = emptyInputTree();
    tree.calls.set(head, child);
  }
  const allowed = nestedAllowed && callable.allowNestedInputs;
  if (rest.length === 2) {
    const name = rest[1]!;
    const info = call.callee.inputByName.get(name);
    if (!info) throw new InputsError([unknownKey(key, call.callee)]);
    if (call.suppliedInputs.has(name)) throw new InputsError([`input ${JSON.stringify(key)} cannot be set: the call ${head} already sets ${name}`]);
    const requiredUnsupplied = info.required;
    if (!requiredUnsupplied && !allowed) {
      const refusing = callable.allowNestedInputs ? `a workflow that calls ${callable.name}` : `workflow ${callable.name}`;
      options.warn?.(`ignoring input ${JSON.stringify(key)}: ${refusing} does not allow nested inputs (each workflow on the path needs the hint allow_nested_inputs: true)`);
      return;
    }
    setInput(child, info, readInput(info, json, key, source, options));
    return;
  }
  // Deeper keys: a sub-workflow's call, or a task's requirements/hints override (allowed whatever allow_nested_inputs says).
  place(call.callee, child, rest.slice(1), key, json, source, allowed, options);
}

/** Required inputs that a call leaves unset and the inputs JSON does not give (`wf.call.x`), at any depth. */
function missingCallInputs(wf: CheckedWorkflow, tree: InputTree, prefix: string, problems: string[], refused: ReadonlySet<string>): void {
  for (const call of wf.calls) {
    const child = tree.calls.get(call.name);
    for (const info of call.unsuppliedInputs) {
      const key = `${prefix}.${call.name}.${info.name}`;
      if (info.required && !child?.values.has(info.name) && !refused.has(key))
        problems.push(`missing required input ${JSON.stringify(key)} (${typeToString(info.type)}): the call does not set it`);
    }
    if (call.callee.kind === "workflow") missingCallInputs(call.callee, child ?? emptyInputTree(), `${prefix}.${call.name}`, problems, refused);
  }
}

function findCall(wf: CheckedWorkflow, name: string) {
  return wf.calls.find((c) => c.name === name);
}

function unknownKey(key: string, callable: Callable): string {
  const names = callable.inputs.map((i) => i.name);
  return `unknown input ${JSON.stringify(key)}: ${callable.kind} ${callable.name} has ${names.length === 0 ? "no inputs" : `inputs ${names.join(", ")}`}`;
}

/**
 * Whether an input given `v` takes its default instead: `None` (JSON `null`)
 * for an input with a default whose type is not optional (spec "Optional
 * inputs with defaults": `Int x = 1` given None is 1; `Int? x = 1` given
 * None is None).
 */
export function takesDefault(v: WdlValue, type: WdlType, hasDefault: boolean): boolean {
  return v.kind === "None" && hasDefault && !type.optional;
}

/** Records the value of an input, unless it is None for an input whose default then applies. */
function setInput(tree: InputTree, info: InputInfo, v: WdlValue | undefined): void {
  if (v !== undefined) tree.values.set(info.name, v);
}

function readInput(info: InputInfo, json: unknown, key: string, source: InputSource, options: BuildInputsOptions): WdlValue | undefined {
  if ((json === null || (json instanceof CommandLineValue && json.parsed === null)) && takesDefault({ kind: "None" }, info.type, info.hasDefault)) return undefined;
  const value = valueFromJson(json instanceof CommandLineValue ? json.forType(info.type) : json, info.type, key);
  return resolvePaths(value, info.type, key, source, options);
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** Resolves relative local File/Directory paths against the source's directory and checks they exist. */
function resolvePaths(v: WdlValue, type: WdlType, key: string, source: InputSource, options: BuildInputsOptions): WdlValue {
  switch (v.kind) {
    case "File":
    case "Directory": {
      if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(v.value)) return v;
      const abs = path.resolve(source.baseDir, v.value);
      if (options.checkFilesExist ?? true) {
        const st = statOrUndefined(abs);
        if (st === undefined) throw new InputsError([`input ${JSON.stringify(key)}: ${v.kind === "File" ? "file" : "directory"} not found: ${abs} (${v.value} in ${source.origin})`]);
        // Only regular files and directories cross into a task (links resolved): never a socket, FIFO or device.
        const problem = kindProblem(nodeType(st), v.kind);
        if (problem !== undefined) throw new InputsError([`input ${JSON.stringify(key)}: ${abs} ${problem} (${v.value} in ${source.origin}); give a ${v.kind === "File" ? "regular file" : "directory"}`]);
      }
      return { kind: v.kind, value: abs };
    }
    case "Array": {
      const item = type.kind === "Array" ? type.item : type;
      return { ...v, items: v.items.map((x, i) => resolvePaths(x, item, `${key}[${i}]`, source, options)) };
    }
    case "Map":
      return {
        ...v,
        entries: v.entries.map(([k, x]) => [
          resolvePaths(k, type.kind === "Map" ? type.key : type, key, source, options),
          resolvePaths(x, type.kind === "Map" ? type.value : type, key, source, options),
        ]),
      };
    case "Pair":
      return {
        kind: "Pair",
        left: resolvePaths(v.left, type.kind === "Pair" ? type.left : type, key, source, options),
        right: resolvePaths(v.right, type.kind === "Pair" ? type.right : type, key, source, options),
      };
    case "Struct":
    case "Object":
      return mapMembers(v, (x, name) => resolvePaths(x, memberType(type, name, type), `${key}.${name}`, source, options));
    case "None":
    case "Enum":
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
      return v;
    default:
      return assertUnreachable(v);
  }
}
