/**
 * Checks a workflow: names (unique across every nested scope, per the spec's
 * Appendix B), scopes (a scatter/if body sees its own names unwrapped and
 * exports them as `Array[T]`/`T?`), every expression, every call against its
 * callee, outputs, hints, and the dependency graph (with cycle detection).
 */
import type { Span } from "../diagnostics/span.js";
import type { CallInput, CallStatement, ConditionalStatement, Declaration, ScatterStatement, WorkflowDef, WorkflowElement } from "../syntax/ast.js";
import { T, type WdlType } from "../types/types.js";
import { checkCallInputs, resolveCallee } from "./calls.js";
import type { DocumentContext } from "./context.js";
import { checkExpr, inferExpr, type ExprEnv, type Place } from "./expressions.js";
import { buildWorkflowGraph } from "./graph.js";
import * as msg from "./messages.js";
import { versionRules } from "../syntax/version-rules.js";
import type { Callable, CheckedCall, CheckedDocument, CheckedWorkflow, GraphNode } from "./model.js";
import { checkKeyValueSection } from "./requirements.js";
import { Scope, type ScopeEntry } from "./scope.js";
import { callableParts } from "./task.js";

type Container = ScatterStatement | ConditionalStatement;

/** A pending call's inputs until pass 2 checks them (shared: every call would otherwise make a Map only to drop it). */
const NOTHING_SUPPLIED_YET: ReadonlyMap<string, CallInput> = new Map();

/** Checks a workflow and builds its CheckedWorkflow. */
export function checkWorkflow(
  ctx: DocumentContext,
  wf: WorkflowDef,
  ownTasks: ReadonlyMap<string, Callable>,
  brokenNamespaces: ReadonlySet<string>,
  document: () => CheckedDocument,
): CheckedWorkflow {
  return new WorkflowChecker(ctx, wf, ownTasks, brokenNamespaces).run(document);
}

/**
 * Graph nodes are known by their position in `nodes` (inputs, body elements
 * depth-first, outputs): pass 1 numbers them, pass 2 walks the body in the
 * same order, and the per-node tables are arrays by position rather than
 * Maps keyed by the nodes (see graph.ts for why).
 */
class WorkflowChecker {
  private readonly names = new Map<string, Span>();
  private readonly nodes: GraphNode[] = [];
  /** By position: the enclosing scatter/conditional's position, or -1. */
  private readonly parent: number[] = [];
  /** Every reference, in order: the referring node's position and the referenced node's (see RawWorkflowGraph). */
  private readonly references = { from: [] as number[], to: [] as number[] };
  /** By position of a scatter/conditional: the scope of its body. */
  private readonly bodyScope: Scope[] = [];
  /** By position of a call: its callee (undefined when it could not be resolved) and its CheckedCall, completed in pass 2. */
  private readonly callees: (Callable | undefined)[] = [];
  private readonly pending: ({ -readonly [K in keyof CheckedCall]: CheckedCall[K] } | undefined)[] = [];
  /** Call name → position. */
  private readonly callNames = new Map<string, number>();
  private readonly calls: CheckedCall[] = [];
  /** By position: 1 when some expression references the node (filled in pass 2). */
  private used = new Uint8Array(0);
  /** Position of each conditional that a 1.3 `else if` / `else` clause follows (the clause depends on it). */
  private readonly clausePositions = new Map<ConditionalStatement, number>();
  /** The position pass 2 has reached in the body. */
  private cursor = 0;
  private readonly allowNestedInputs: boolean;

  constructor(
    private readonly ctx: DocumentContext,
    private readonly wf: WorkflowDef,
    private readonly ownTasks: ReadonlyMap<string, Callable>,
    private readonly brokenNamespaces: ReadonlySet<string>,
  ) {
    this.allowNestedInputs = versionRules(ctx.version).nestedInputsWithoutHint || nestedInputsAllowed(wf);
  }

  run(document: () => CheckedDocument): CheckedWorkflow {
    const { ctx, wf } = this;
    const inputs = wf.inputs?.declarations ?? [];
    const outputs = wf.outputs?.declarations ?? [];
    // Pass 1: every name, at every depth, with its type as seen from each scope.
    const top = new Scope();
    for (const d of inputs) this.declare(top, d, this.node(d, -1));
    this.declareBody(wf.body, -1, top);
    const outScope = new Scope(top);
    const outputNames = new Map<string, Span>();
    const firstOutput = this.nodes.length;
    for (const d of outputs) {
      const index = this.node(d, -1);
      const first = outputNames.get(d.name.name) ?? this.names.get(d.name.name);
      if (first) {
        ctx.report(msg.duplicateName(d.name.span, "output", d.name.name, first));
        continue;
      }
      outputNames.set(d.name.name, d.name.span);
      outScope.define({ name: d.name.name, type: ctx.declType(d), binding: { kind: "declaration", decl: d }, span: d.name.span, node: d, index });
    }
    // Pass 2: expressions, calls, dependencies.
    this.used = new Uint8Array(this.nodes.length);
    inputs.forEach((d, i) => {
      if (d.expr) checkExpr(d.expr, this.env(top, i, "workflow"), ctx.declType(d));
    });
    this.cursor = inputs.length;
    this.checkBody(wf.body, top);
    outputs.forEach((d, i) => {
      if (d.expr) checkExpr(d.expr, this.env(outScope, firstOutput + i, "workflow-output"), ctx.declType(d));
    });
    if (wf.hints) checkKeyValueSection(wf.hints, this.env(top, -1, "workflow-hints"), "workflow");
    const metaNested = wf.meta?.entries.find((e) => e.key.name === "allowNestedInputs" || e.key.name === "allow_nested_inputs");
    if (metaNested && ctx.atLeast("1.2")) ctx.report(msg.deprecatedAlias(metaNested.key.span, `meta.${metaNested.key.name}`, "hints { allow_nested_inputs: … }"));
    inputs.forEach((d, i) => {
      if (!this.used[i]) ctx.report(msg.unusedInput(d.name.span, d.name.name));
    });
    if (wf.parameterMeta) {
      for (const e of wf.parameterMeta.entries) {
        if (!inputs.some((d) => d.name.name === e.key.name) && !outputNames.has(e.key.name)) ctx.report(msg.metaKeyUnknownParam(e.key.span, e.key.name));
      }
    }

    const { graph, cycles } = buildWorkflowGraph({ nodes: this.nodes, parent: this.parent, references: this.references });
    for (const cycle of cycles) {
      const first = cycle[0]!;
      ctx.report(msg.dependencyCycle(nodeSpan(first), [...cycle, first].map(nodeName)));
    }
    return Object.assign(callableParts(ctx, "workflow", wf.name.name, wf, inputs, outputs, document), {
      calls: this.calls,
      graph,
      allowNestedInputs: this.allowNestedInputs,
    });
  }

  /** Adds a graph node; returns its position. */
  private node(n: GraphNode, parent: number): number {
    this.nodes.push(n);
    this.parent.push(parent);
    return this.nodes.length - 1;
  }

  /** Reserves a workflow-level name; reports a duplicate. */
  private claim(name: string, span: Span, what: string): boolean {
    const first = this.names.get(name);
    if (first) {
      this.ctx.report(msg.duplicateName(span, what, name, first));
      return false;
    }
    this.names.set(name, span);
    return true;
  }

  private declare(scope: Scope, d: Declaration, index: number): void {
    if (!this.claim(d.name.name, d.name.span, "declaration")) return;
    if (this.ctx.namespaces.has(d.name.name)) this.ctx.report(msg.shadowing(d.name.span, d.name.name, "an imported namespace"));
    if (this.ctx.structs.has(d.name.name)) this.ctx.report(msg.shadowing(d.name.span, d.name.name, "a struct type"));
    scope.define({ name: d.name.name, type: this.ctx.declType(d), binding: { kind: "declaration", decl: d }, span: d.name.span, node: d, index });
  }

  private declareBody(body: readonly WorkflowElement[], container: number, scope: Scope): void {
    for (const el of body) {
      const index = this.node(el, container);
      switch (el.kind) {
        case "Declaration":
          this.declare(scope, el, index);
          break;
        case "Call":
          this.declareCall(scope, el, index);
          break;
        case "Scatter":
        case "Conditional": {
          if (el.kind === "Conditional") this.clausePositions.set(el, index);
          const inner = new Scope(scope);
          this.bodyScope[index] = inner;
          this.declareBody(el.body, index, inner);
          const how = el.kind === "Scatter" ? "array" : "optional";
          for (const e of inner.ownEntries()) {
            if (e.binding?.kind === "scatter-variable") continue;
            const type = e.outputs || e.unknownOutputs ? e.type : this.ctx.wrap(e.type, how);
            const outputs = e.outputs ? this.ctx.wrapAll(e.outputs, how) : undefined;
            // Spelled out rather than spread: every name of every body is re-exported at each level.
            scope.define({ name: e.name, type, binding: e.binding, span: e.span, outputs, unknownOutputs: e.unknownOutputs, node: e.node, index: e.index });
          }
          break;
        }
      }
    }
  }

  private declareCall(scope: Scope, call: CallStatement, index: number): void {
    const callee = resolveCallee(this.ctx, call, this.brokenNamespaces, this.ownTasks);
    this.callees[index] = callee;
    const nameId = call.alias ?? call.target[call.target.length - 1]!;
    const name = nameId.name;
    if (name === this.wf.name.name) this.ctx.report(msg.callNamedLikeWorkflow(nameId.span, name));
    const claimed = this.claim(name, nameId.span, "call");
    if (claimed) this.callNames.set(name, index);
    if (!callee) {
      if (claimed) scope.define({ name, type: T.Any, binding: undefined, span: nameId.span, unknownOutputs: true, node: call, index });
      return;
    }
    // The binding's CheckedCall is completed in pass 2 (inputs, parent); the object stays the same.
    const checked = this.pendingCall(call, callee, name, index);
    if (!claimed) return;
    scope.define({ name, type: T.Any, binding: { kind: "call", call: checked }, span: nameId.span, outputs: checked.outputTypes, node: call, index });
  }

  private pendingCall(call: CallStatement, callee: Callable, name: string, index: number): CheckedCall {
    const types = this.ctx.typesOf(callee);
    const c = {
      statement: call,
      name,
      callee,
      inputTypes: types.inputs,
      suppliedInputs: NOTHING_SUPPLIED_YET,
      unsuppliedInputs: [],
      outputTypes: types.outputs,
      parent: undefined,
    };
    this.pending[index] = c;
    return c;
  }

  private addDependency(from: number, to: number): void {
    this.references.from.push(from);
    this.references.to.push(to);
  }

  /** Records that the node at `owner` (-1: none) references `entry`. */
  private reference(entry: ScopeEntry, owner: number): void {
    const target = entry.index;
    if (target === undefined) return;
    this.used[target] = 1;
    if (owner >= 0) this.addDependency(owner, target);
  }

  private env(scope: Scope, owner: number, place: Place): ExprEnv {
    return { ctx: this.ctx, scope, place, onReference: (entry: ScopeEntry) => this.reference(entry, owner) };
  }

  private checkBody(body: readonly WorkflowElement[], scope: Scope): void {
    for (const el of body) {
      const index = this.cursor++;
      if (this.nodes[index] !== el) throw new Error("workflow checker: pass 2 lost its place in the body");
      switch (el.kind) {
        case "Declaration":
          if (el.expr) checkExpr(el.expr, this.env(scope, index, "workflow"), this.ctx.declType(el));
          break;
        case "Call":
          this.checkCall(el, index, scope);
          break;
        case "Scatter": {
          const t = inferExpr(el.expr, this.env(scope, index, "workflow"));
          let item: WdlType = T.Any;
          if (t.kind === "Array" && !t.optional) item = t.item;
          else if (t.kind !== "Any") this.ctx.report(msg.scatterType(el.expr.span, t));
          const inner = this.bodyScope[index]!;
          const v = el.variable.name;
          const clash = inner.own(v) ?? scope.lookup(v);
          if (clash) this.ctx.report(msg.duplicateName(el.variable.span, "scatter variable", v, clash.span));
          else inner.define({ name: v, type: item, binding: { kind: "scatter-variable", scatter: el }, span: el.variable.span, node: el, index });
          this.checkBody(el.body, inner);
          break;
        }
        case "Conditional": {
          const t = inferExpr(el.condition, this.env(scope, index, "workflow"));
          if (t.kind !== "Any" && (t.kind !== "Boolean" || t.optional)) this.ctx.report(msg.conditionType(el.condition.span, t));
          // An `else if` / `else` clause is decided after the clause before it (whose condition it re-reads).
          const previous = el.previousClause && this.clausePositions.get(el.previousClause);
          if (previous !== undefined) this.addDependency(index, previous);
          this.checkBody(el.body, this.bodyScope[index]!);
          break;
        }
      }
    }
  }

  private checkCall(call: CallStatement, index: number, scope: Scope): void {
    const env = this.env(scope, index, "workflow");
    for (const a of call.after) {
      const target = this.callNames.get(a.name);
      if (target === undefined) this.ctx.report(msg.unknownAfter(a.span, a.name));
      else this.addDependency(index, target);
    }
    const callee = this.callees[index];
    const lookup = (name: string): ScopeEntry | undefined => {
      const entry = scope.lookup(name);
      if (entry) this.reference(entry, index);
      return entry;
    };
    if (!callee) {
      // Still check the input expressions (names, functions) so nothing goes unreported.
      for (const i of call.inputs) {
        if (i.expr) inferExpr(i.expr, env);
        else lookup(i.name.name);
      }
      return;
    }
    const { supplied, unsupplied } = checkCallInputs(this.ctx, call, callee, env, lookup, this.allowNestedInputs);
    const c = this.pending[index]!;
    c.suppliedInputs = supplied;
    c.unsuppliedInputs = unsupplied;
    const parent = this.parent[index]!;
    c.parent = parent < 0 ? undefined : (this.nodes[parent] as Container);
    this.ctx.calls.set(call, c);
    this.calls.push(c);
  }
}

/** The workflow's `allow_nested_inputs` hint (1.2) or `allowNestedInputs` meta entry (1.0/1.1, deprecated in 1.2). */
function nestedInputsAllowed(wf: WorkflowDef): boolean {
  const names = ["allow_nested_inputs", "allowNestedInputs"];
  const hint = wf.hints?.entries.find((e) => names.includes(e.key.name));
  if (hint) return hint.value.kind === "Boolean" && hint.value.value;
  const meta = wf.meta?.entries.find((e) => names.includes(e.key.name));
  return meta?.value.kind === "MetaBoolean" && meta.value.value;
}

function nodeName(n: GraphNode): string {
  switch (n.kind) {
    case "Declaration":
      return n.name.name;
    case "Call":
      return (n.alias ?? n.target[n.target.length - 1]!).name;
    case "Scatter":
      return `scatter (${n.variable.name})`;
    case "Conditional":
      return n.clause ?? "if";
  }
}

function nodeSpan(n: GraphNode): Span {
  switch (n.kind) {
    case "Declaration":
      return n.name.span;
    case "Call":
      return (n.alias ?? n.target[n.target.length - 1]!).span;
    case "Scatter":
      return n.variable.span;
    case "Conditional":
      return n.condition.span;
  }
}
