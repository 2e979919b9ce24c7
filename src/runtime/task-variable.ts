/**
 * The WDL 1.2 `task` variable (spec "Runtime Access to Requirements, Hints,
 * and Metadata"): name, id, container, allocated cpu/memory/gpu/fpga/disks,
 * attempt (0-based), end_time, return_code, meta, parameter_meta and ext, as
 * an Object value bound to `task` in the command and output sections; from
 * 1.3 also max_retries and previous, and a smaller `task` for the
 * requirements, hints and runtime sections (requirementsTaskVariable).
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { MetaSection, MetaValue } from "../syntax/ast.js";
import { NONE, V, type WdlValue } from "../values/value.js";
import type { GrantedResources } from "../backends/backend.js";

/** What the `task` variable is built from. */
export interface TaskVariableFacts {
  readonly name: string;
  readonly id: string;
  /** The image the command runs in, or undefined on the host. */
  readonly container: string | undefined;
  readonly resources: GrantedResources;
  /** 1-based attempt number (the variable shows it 0-based). */
  readonly attempt: number;
  readonly returnCode: number | undefined;
  readonly meta: MetaSection | undefined;
  readonly parameterMeta: MetaSection | undefined;
  /** 1.3: `task.max_retries` and `task.previous` (absent before 1.3). */
  readonly retry?: RetryFacts;
}

/** What 1.3 adds to the `task` variable. */
export interface RetryFacts {
  readonly maxRetries: number;
  /** The previous attempt's evaluated requirements; undefined on the first attempt. */
  readonly previous: PreviousAttempt | undefined;
}

/** What `task.previous` shows of an attempt: its evaluated requirements and how it ended. */
export interface PreviousAttempt {
  readonly container: string | undefined;
  readonly resources: GrantedResources;
  readonly maxRetries: number;
  readonly returnCode: number | undefined;
}

/** Builds the `task` value. */
export function taskVariable(f: TaskVariableFacts): WdlValue {
  const disks: [WdlValue, WdlValue][] = f.resources.disks.map((d) => [V.string(d.mountPoint), V.int(d.sizeBytes)]);
  const members = new Map<string, WdlValue>([
    ["name", V.string(f.name)],
    ["id", V.string(f.id)],
    ["container", f.container === undefined ? NONE : V.string(f.container)],
    ["cpu", V.float(f.resources.cpu)],
    ["memory", V.int(f.resources.memoryBytes)],
    ["gpu", V.array(f.resources.gpuIds.map((g) => V.string(g)))],
    ["fpga", V.array(Array.from({ length: f.resources.fpga }, (_, i) => V.string(`fpga-${i}`)))],
    ["disks", V.map(disks)],
    ["attempt", V.int(f.attempt - 1)],
    ["end_time", NONE],
    ["return_code", f.returnCode === undefined ? NONE : V.int(f.returnCode)],
    ["meta", metaObject(f.meta)],
    ["parameter_meta", metaObject(f.parameterMeta)],
    ["ext", V.object(new Map())],
  ]);
  if (f.retry) {
    members.set("max_retries", V.int(f.retry.maxRetries));
    members.set("previous", previousValue(f.retry.previous));
  }
  return V.object(members);
}

/**
 * The `task` value inside requirements, hints and runtime (1.3): what is known
 * before this attempt's requirements are evaluated.
 */
export function requirementsTaskVariable(f: Omit<TaskVariableFacts, "container" | "resources" | "returnCode"> & { readonly retry: RetryFacts }): WdlValue {
  return V.object(
    new Map<string, WdlValue>([
      ["name", V.string(f.name)],
      ["id", V.string(f.id)],
      ["attempt", V.int(f.attempt - 1)],
      ["max_retries", V.int(f.retry.maxRetries)],
      ["previous", previousValue(f.retry.previous)],
      ["meta", metaObject(f.meta)],
      ["parameter_meta", metaObject(f.parameterMeta)],
      ["ext", V.object(new Map())],
    ]),
  );
}

/** `task.previous`: every member None on the first attempt. */
function previousValue(p: PreviousAttempt | undefined): WdlValue {
  const r = p?.resources;
  return V.object(
    new Map<string, WdlValue>([
      ["container", p?.container === undefined ? NONE : V.string(p.container)],
      ["cpu", r ? V.float(r.cpu) : NONE],
      ["memory", r ? V.int(r.memoryBytes) : NONE],
      ["gpu", r ? V.array(r.gpuIds.map((g) => V.string(g))) : NONE],
      ["fpga", r ? V.array(Array.from({ length: r.fpga }, (_, i) => V.string(`fpga-${i}`))) : NONE],
      ["disks", r ? V.map(r.disks.map((d) => [V.string(d.mountPoint), V.int(d.sizeBytes)])) : NONE],
      ["max_retries", p ? V.int(p.maxRetries) : NONE],
      ["return_code", p?.returnCode === undefined ? NONE : V.int(p.returnCode)],
    ]),
  );
}

function metaObject(section: MetaSection | undefined): WdlValue {
  const members = new Map<string, WdlValue>();
  for (const e of section?.entries ?? []) members.set(e.key.name, metaValue(e.value));
  return V.object(members);
}

/** A meta value as a WdlValue (objects become Object values). */
export function metaValue(m: MetaValue): WdlValue {
  switch (m.kind) {
    case "MetaNull":
      return NONE;
    case "MetaBoolean":
      return V.bool(m.value);
    case "MetaInt":
      return V.int(m.value);
    case "MetaFloat":
      return V.float(m.value);
    case "MetaString":
      return V.string(m.value);
    case "MetaArray":
      return V.array(m.items.map(metaValue));
    case "MetaObject": {
      const members = new Map<string, WdlValue>();
      for (const e of m.entries) members.set(e.key.name, metaValue(e.value));
      return V.object(members);
    }
    default:
      return assertUnreachable(m);
  }
}
