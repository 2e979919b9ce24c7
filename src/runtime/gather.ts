/**
 * Gathering the names a scatter or conditional body declares into its
 * enclosing scope (spec "Scatter Statement", "Conditional Statement"):
 * a scatter turns each name into an Array over its elements, a conditional
 * into an optional (None when the body did not run). Calls are Object values
 * whose members are the call's outputs, gathered member by member, so that
 * `align.bam` outside a scatter is an Array. Nested bodies compose.
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { CheckedCall, CheckedDocument } from "../analysis/index.js";
import type { ConditionalStatement, ScatterStatement, WorkflowElement } from "../syntax/ast.js";
import { NONE, V, type WdlValue } from "../values/value.js";
import type { Env } from "./env.js";

/** A name a body declares, at any depth (scatter variables excluded). */
export interface DeclaredName {
  readonly name: string;
  /** Set for a call: its outputs are the members of its value. */
  readonly call?: CheckedCall;
}

const cache = new WeakMap<ScatterStatement | ConditionalStatement, readonly DeclaredName[]>();

/** Every name declared inside the body of `stmt` (nested bodies included). */
export function declaredNames(stmt: ScatterStatement | ConditionalStatement, doc: CheckedDocument): readonly DeclaredName[] {
  let names = cache.get(stmt);
  if (!names) {
    const out: DeclaredName[] = [];
    collect(stmt.body, doc, out);
    names = out;
    cache.set(stmt, names);
  }
  return names;
}

function collect(body: readonly WorkflowElement[], doc: CheckedDocument, out: DeclaredName[]): void {
  for (const el of body) {
    switch (el.kind) {
      case "Declaration":
        out.push({ name: el.name.name });
        break;
      case "Call": {
        const call = doc.callOf(el);
        if (call) out.push({ name: call.name, call });
        break;
      }
      case "Scatter":
      case "Conditional":
        collect(el.body, doc, out);
        break;
      default:
        return assertUnreachable(el);
    }
  }
}

/** The Object value of a call's outputs. */
export function callValue(outputs: ReadonlyMap<string, WdlValue>): WdlValue {
  return V.object(new Map(outputs));
}

/** Binds in `into` each declared name as the Array of its values in the element scopes. */
export function gatherScatter(names: readonly DeclaredName[], elements: readonly Env[], into: Env): void {
  for (const d of names) {
    const values = elements.map((e) => e.getLocal(d.name) ?? NONE);
    if (d.call) {
      const members = new Map<string, WdlValue>();
      for (const name of memberNames(d.call, values))
        members.set(
          name,
          V.array(values.map((v) => (v.kind === "Object" ? (v.members.get(name) ?? NONE) : NONE))),
        );
      into.set(d.name, V.object(members));
    } else into.set(d.name, V.array(values));
  }
}

/**
 * The members of a gathered call value: the callee's declared outputs, then
 * any other member an element has (the implicit outputs of a 1.0
 * sub-workflow without an output section).
 */
function memberNames(call: CheckedCall, values: readonly WdlValue[]): string[] {
  const names = new Set(call.callee.outputs.map((o) => o.name));
  for (const v of values) if (v.kind === "Object") for (const k of v.members.keys()) names.add(k);
  return [...names];
}

/** Binds in `into` each declared name: its value from the body's scope, or None when the body did not run. */
export function gatherConditional(names: readonly DeclaredName[], body: Env | undefined, into: Env): void {
  for (const d of names) {
    if (body) {
      into.set(d.name, body.getLocal(d.name) ?? NONE);
      continue;
    }
    if (d.call) {
      const members = new Map<string, WdlValue>();
      for (const out of d.call.callee.outputs) members.set(out.name, NONE);
      into.set(d.name, V.object(members));
    } else into.set(d.name, NONE);
  }
}
