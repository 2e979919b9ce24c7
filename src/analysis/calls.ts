/**
 * Call statements: resolving the callee (`task`, `ns.task`, `ns.workflow`)
 * and checking the call's inputs against the callee's input section —
 * unknown and duplicate names, value types, and required inputs left
 * unsupplied (allowed as the spec's `allow_nested_inputs` rules say, and as
 * the document's version rules say without the hint: see version-rules.ts).
 */
import type { CallStatement } from "../syntax/ast.js";
import type { DocumentContext } from "./context.js";
import { checkAssignable, checkExpr, inferExpr, type ExprEnv } from "./expressions.js";
import * as msg from "./messages.js";
import { withOptional, type WdlType } from "../types/types.js";
import { versionRules } from "../syntax/version-rules.js";
import type { Callable, CheckedDocument, InputInfo } from "./model.js";
import type { ScopeEntry } from "./scope.js";

/**
 * Finds what a call targets. Reports unknown namespaces and callees, except
 * under namespaces whose import failed (already reported); returns
 * undefined then.
 */
export function resolveCallee(ctx: DocumentContext, call: CallStatement, brokenNamespaces: ReadonlySet<string>, ownTasks: ReadonlyMap<string, Callable>): Callable | undefined {
  const parts = call.target;
  // A name the parser had to invent while recovering from a syntax error (already reported).
  for (const p of parts) if (p.name === "" || Number.isNaN(p.span.start.offset)) return undefined;
  if (parts.length === 1) {
    const name = parts[0]!;
    const t = ownTasks.get(name.name);
    if (t) return t;
    ctx.report(msg.unknownCallee(name.span, name.name, msg.didYouMean(name.name, ownTasks.keys())));
    return undefined;
  }
  let doc: CheckedDocument | undefined;
  let namespaces: ReadonlyMap<string, CheckedDocument> = ctx.namespaces;
  for (let i = 0; i < parts.length - 1; i++) {
    const ns = parts[i]!;
    if (i === 0 && brokenNamespaces.has(ns.name)) return undefined;
    doc = namespaces.get(ns.name);
    if (!doc) {
      ctx.report(msg.unknownNamespace(ns.span, ns.name, msg.didYouMean(ns.name, namespaces.keys())));
      return undefined;
    }
    namespaces = doc.namespaces;
  }
  const last = parts[parts.length - 1]!;
  const found = doc!.tasks.get(last.name) ?? (doc!.workflow?.name === last.name ? doc!.workflow : undefined);
  if (found) return found;
  const candidates = [...doc!.tasks.keys(), ...(doc!.workflow ? [doc!.workflow.name] : [])];
  ctx.report(msg.unknownCallee(last.span, parts.map((p) => p.name).join("."), msg.didYouMean(last.name, candidates)));
  return undefined;
}

/** What a call's input section amounts to. */
export interface CallInputsResult {
  readonly supplied: Map<string, CallStatement["inputs"][number]>;
  readonly unsupplied: InputInfo[];
}

/**
 * Checks a call's inputs against its callee. `lookupShorthand` resolves the
 * 1.1 shorthand `{ x }` (meaning `x = x`) in the call's scope and records the
 * reference. `nestedInputs`: whether the workflow allows nested inputs, and
 * whether doing so for a required input is merely deprecated (1.2) or
 * permitted (1.0/1.1).
 */
export function checkCallInputs(
  ctx: DocumentContext,
  call: CallStatement,
  callee: Callable,
  env: ExprEnv,
  lookupShorthand: (name: string) => ScopeEntry | undefined,
  allowNestedInputs: boolean,
): CallInputsResult {
  const supplied = new Map<string, CallStatement["inputs"][number]>();
  for (const input of call.inputs) {
    const name = input.name.name;
    // A repeated input name is a syntax diagnostic; the first one counts.
    if (supplied.has(name)) continue;
    supplied.set(name, input);
    const info = callee.inputByName.get(name);
    if (!info) {
      ctx.report(msg.unknownCallInput(input.name.span, callee.name, name, msg.didYouMean(name, callee.inputByName.keys())));
      if (input.expr) checkExpr(input.expr, env, { kind: "Any", optional: true });
      else lookupShorthand(name);
      continue;
    }
    if (input.expr) {
      const t = inferExpr(input.expr, env, info.type);
      checkAssignable(ctx, input.expr, t, inputTarget(t, info), `input \`${name}\``);
      continue;
    }
    const entry = lookupShorthand(name);
    if (!entry) {
      ctx.report(msg.unknownName(input.name.span, name, msg.didYouMean(name, env.scope.names())));
      continue;
    }
    if (entry.outputs || entry.unknownOutputs) {
      ctx.report(msg.callAsValue(input.name.span, name));
      continue;
    }
    // Reuse the assignability rules with the name itself standing for the value.
    checkAssignable(ctx, { kind: "NameRef", name, span: input.name.span }, entry.type, inputTarget(entry.type, info), `input \`${name}\``);
  }
  const unsupplied = callee.inputs.filter((i) => !supplied.has(i.name));
  const missing = unsupplied.filter((i) => i.required).map((i) => i.name);
  if (missing.length) {
    const span = call.target[call.target.length - 1]!.span;
    if (allowNestedInputs) {
      if (ctx.atLeast("1.2")) ctx.report(msg.nestedRequiredInputs(span, callee.name, missing));
    } else {
      const stance = versionRules(ctx.version).unsetRequiredCallInput;
      if (stance === "error") ctx.report(msg.missingCallInputs(span, callee.name, missing));
      else if (stance === "lenient") ctx.report(msg.unsetRequiredCallInputs(span, callee.name, missing, call.alias?.name ?? callee.name));
    }
  }
  return { supplied, unsupplied };
}

/** The type a call input's value must have: an input with a default also takes `T?` and None, which give the default (spec "Optional inputs with defaults", every version). */
function inputTarget(from: WdlType, info: InputInfo): WdlType {
  return from.optional && info.hasDefault ? withOptional(info.type, true) : info.type;
}
