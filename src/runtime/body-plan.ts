/**
 * Dependency plans for the bodies of a workflow (the top level, each scatter
 * and each conditional), from the direct references analysis records.
 *
 * Within a body, a reference is lifted to the sibling that contains its
 * target (a reference into a scatter waits for the whole scatter, whose
 * values are gathered). A reference from inside a scatter or conditional to
 * something outside it is *external*: the scatter starts as soon as its own
 * collection is ready, and only the inner nodes that need an outer value
 * wait for it (BodyInstance.waitFor), so independent work inside a body is
 * never held back by an unrelated outer node.
 */
import type { CheckedWorkflow, GraphNode } from "../analysis/index.js";
import type { ConditionalStatement, ScatterStatement } from "../syntax/ast.js";
import { buildPlan, StoppedError, type SchedulePlan } from "./scheduler.js";

/** A body: the workflow's top level (undefined), a scatter's or a conditional's. */
export type Body = ScatterStatement | ConditionalStatement | undefined;

/** A node of an enclosing body that a node waits for. */
export interface ExternalDep {
  readonly body: Body;
  readonly node: GraphNode;
}

/** The plan of one body plus the external dependencies of its nodes. */
export interface BodyPlan {
  readonly plan: SchedulePlan<GraphNode>;
  readonly external: ReadonlyMap<GraphNode, readonly ExternalDep[]>;
  /** Whether nodes of nested bodies wait for nodes of this one (else its instances need not track them). */
  readonly waitedOn: boolean;
}

const cache = new WeakMap<CheckedWorkflow, Map<Body, BodyPlan>>();

/** The plan of `body` in `wf` (computed once per workflow and body). */
export function bodyPlan(wf: CheckedWorkflow, body: Body): BodyPlan {
  let byBody = cache.get(wf);
  if (!byBody) {
    byBody = new Map();
    cache.set(wf, byBody);
  }
  if (byBody.size === 0) {
    // All bodies at once: whether a body is waited on depends on the others.
    const plans = new Map<Body, Omit<BodyPlan, "waitedOn">>();
    for (const b of wf.graph.order.keys()) plans.set(b, computePlan(wf, b));
    const targets = new Set<Body>();
    for (const p of plans.values()) for (const deps of p.external.values()) for (const d of deps) targets.add(d.body);
    for (const [b, p] of plans) byBody.set(b, { ...p, waitedOn: targets.has(b) });
  }
  return byBody.get(body) ?? { ...computePlan(wf, body), waitedOn: false };
}

function computePlan(wf: CheckedWorkflow, body: Body): Omit<BodyPlan, "waitedOn"> {
  const g = wf.graph;
  const parentOf = (n: GraphNode): Body => g.parent.get(n);
  // The bodies enclosing `body`, nearest first, ending with the top level.
  const enclosing: Body[] = [];
  const enclosingStatements = new Set<GraphNode>();
  for (let b = body; b !== undefined; ) {
    enclosingStatements.add(b);
    b = parentOf(b);
    enclosing.push(b);
  }
  const nodes = g.order.get(body) ?? [];
  const local = new Map<GraphNode, GraphNode[]>();
  const external = new Map<GraphNode, ExternalDep[]>();
  for (const n of nodes) {
    const mine: GraphNode[] = [];
    const outer: ExternalDep[] = [];
    for (const d of g.dependencies.get(n) ?? []) {
      // A reference to an enclosing scatter's variable (or its statement) is satisfied already.
      if (enclosingStatements.has(d)) continue;
      const chain: GraphNode[] = [];
      for (let x: GraphNode | undefined = d; x !== undefined; x = parentOf(x)) chain.push(x);
      const here = chain.find((c) => parentOf(c) === body && c !== body);
      if (here !== undefined) {
        if (here !== n) mine.push(here);
        continue;
      }
      for (const e of enclosing) {
        const there = chain.find((c) => parentOf(c) === e && !enclosingStatements.has(c));
        if (there !== undefined) {
          outer.push({ body: e, node: there });
          break;
        }
      }
    }
    local.set(n, mine);
    if (outer.length > 0) external.set(n, outer);
  }
  return { plan: buildPlan(nodes, (n) => local.get(n) ?? []), external };
}

/**
 * One running instance of a body (the top level, one scatter element, a
 * taken conditional): remembers which of its nodes have settled so that
 * nodes of nested bodies can wait for them.
 */
export class BodyInstance {
  private readonly settled = new Map<GraphNode, boolean>();
  private waiters: Map<GraphNode, { resolve: () => void; reject: (e: unknown) => void }[]> | undefined;

  constructor(
    readonly body: Body,
    readonly parent: BodyInstance | undefined,
    private readonly stopSignal: AbortSignal,
  ) {}

  /** Records that `node` settled (completed when `ok`). */
  settle(node: GraphNode, ok: boolean): void {
    this.settled.set(node, ok);
    const ws = this.waiters?.get(node);
    if (!ws) return;
    this.waiters!.delete(node);
    for (const w of ws) (ok ? w.resolve : () => w.reject(new StoppedError()))();
  }

  /** The nearest instance (this one or an enclosing one) of `body`. */
  instanceOf(body: Body): BodyInstance | undefined {
    for (let i: BodyInstance | undefined = this; i; i = i.parent) if (i.body === body) return i;
    return undefined;
  }

  /** True when every dependency has completed. */
  ready(deps: readonly ExternalDep[]): boolean {
    return deps.every((d) => this.instanceOf(d.body)?.settled.get(d.node) === true);
  }

  /** Resolves when every dependency has completed; rejects with StoppedError when one cannot (failed, skipped, the run stopped). */
  async waitFor(deps: readonly ExternalDep[]): Promise<void> {
    for (const d of deps) {
      const inst = this.instanceOf(d.body);
      if (!inst) continue;
      await inst.waitOne(d.node);
    }
  }

  private waitOne(node: GraphNode): Promise<void> {
    const s = this.settled.get(node);
    if (s === true) return Promise.resolve();
    if (s === false || this.stopSignal.aborted) return Promise.reject(new StoppedError());
    return new Promise<void>((resolve, reject) => {
      const onStop = () => reject(new StoppedError());
      this.stopSignal.addEventListener("abort", onStop, { once: true });
      this.waiters ??= new Map();
      let list = this.waiters.get(node);
      if (!list) {
        list = [];
        this.waiters.set(node, list);
      }
      list.push({
        resolve: () => {
          this.stopSignal.removeEventListener("abort", onStop);
          resolve();
        },
        reject: (e) => {
          this.stopSignal.removeEventListener("abort", onStop);
          reject(e);
        },
      });
    });
  }
}
