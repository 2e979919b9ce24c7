/**
 * The WDL 1.2 `task` variable (spec "Runtime Access to Requirements, Hints,
 * and Metadata"): name, id, container, allocated cpu/memory/gpu/fpga/disks,
 * attempt (0-based), end_time, return_code, meta, parameter_meta and ext, as
 * an Object value bound to `task` in the command and output sections.
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
  return V.object(members);
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
