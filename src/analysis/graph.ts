/**
 * Dependency graphs: a stable topological sort that finds cycles (used for
 * task declarations and for each body of a workflow), and the workflow
 * graph's derived tables (parents, dependencies lifted to siblings, the
 * order of each body).
 */
import type { ConditionalStatement, ScatterStatement } from "../syntax/ast.js";
import type { GraphNode, WorkflowGraph } from "./model.js";

/** The result of sorting: an order (nodes on a cycle are appended in source order) and one cycle, if any. */
export interface Sorted<N> {
  readonly order: N[];
  /** The nodes of one dependency cycle (each depends on the next, the last on the first), or undefined. */
  readonly cycle: N[] | undefined;
}

/**
 * Topologically sorts `nodes` (dependencies first), keeping source order
 * among independent nodes. Dependencies not in `nodes` are ignored.
 */
export function topoSort<N>(nodes: readonly N[], deps: (n: N) => readonly N[]): Sorted<N> {
  const position = new Map<N, number>();
  nodes.forEach((n, i) => position.set(n, i));
  const indegree = new Array<number>(nodes.length).fill(0);
  const dependents: number[][] = nodes.map(() => []);
  // seenBy[j] === i: node i already counted its dependency j.
  const seenBy = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((n, i) => {
    for (const d of deps(n)) {
      const j = position.get(d);
      if (j === undefined || seenBy[j] === i) continue;
      seenBy[j] = i;
      indegree[i]!++;
      dependents[j]!.push(i);
    }
  });
  // A min-heap would keep strict source order; a sorted ready list is enough at these sizes.
  const ready: number[] = [];
  indegree.forEach((d, i) => {
    if (d === 0) ready.push(i);
  });
  const order: N[] = [];
  let head = 0;
  while (head < ready.length) {
    const i = ready[head++]!;
    order.push(nodes[i]!);
    for (const j of dependents[i]!) if (--indegree[j]! === 0) ready.push(j);
  }
  if (order.length === nodes.length) return { order, cycle: undefined };
  const remaining = nodes.filter((_, i) => indegree[i]! > 0);
  return { order: [...order, ...remaining], cycle: findCycle(remaining, deps, new Set(remaining)) };
}

function findCycle<N>(remaining: readonly N[], deps: (n: N) => readonly N[], inSet: ReadonlySet<N>): N[] | undefined {
  // Every remaining node lies on or downstream of a cycle: walk dependencies until a node repeats.
  let n: N = remaining[0] as N;
  const path: N[] = [];
  const at = new Map<N, number>();
  for (;;) {
    const seenAt = at.get(n);
    if (seenAt !== undefined) return path.slice(seenAt);
    at.set(n, path.length);
    path.push(n);
    const next: N | undefined = deps(n).find((d) => inSet.has(d));
    if (next === undefined) return undefined;
    n = next;
  }
}

type Container = ScatterStatement | ConditionalStatement;

/** Builds the WorkflowGraph tables from the raw dependencies. `nodes` lists inputs, body (depth-first) and outputs. */
export function buildWorkflowGraph(
  nodes: readonly GraphNode[],
  dependencies: ReadonlyMap<GraphNode, readonly GraphNode[]>,
  parent: ReadonlyMap<GraphNode, Container | undefined>,
): { graph: WorkflowGraph; cycles: GraphNode[][] } {
  const children = new Map<Container | undefined, GraphNode[]>();
  for (const n of nodes) {
    const p = parent.get(n);
    let list = children.get(p);
    if (!list) children.set(p, (list = []));
    list.push(n);
  }
  // Lift each dependency of a node and of all its descendants to a sibling of the node.
  const sibling = new Map<GraphNode, GraphNode[]>();
  const lift = (n: GraphNode, d: GraphNode): GraphNode | undefined => {
    const p = parent.get(n);
    let x: GraphNode | undefined = d;
    while (x !== undefined && parent.get(x) !== p) x = parent.get(x);
    return x === n ? undefined : x;
  };
  const collect = (root: GraphNode, n: GraphNode, out: Set<GraphNode>): void => {
    for (const d of dependencies.get(n) ?? []) {
      const s = lift(root, d);
      if (s !== undefined) out.add(s);
    }
    if (n.kind === "Scatter" || n.kind === "Conditional") for (const c of children.get(n) ?? []) collect(root, c, out);
  };
  for (const n of nodes) {
    const deps = dependencies.get(n) ?? [];
    if (n.kind !== "Scatter" && n.kind !== "Conditional" && deps.length <= 1) {
      // The common case (a declaration or call with at most one dependency) needs no set.
      const s = deps.length === 1 ? lift(n, deps[0]!) : undefined;
      sibling.set(n, s === undefined ? [] : [s]);
      continue;
    }
    const out = new Set<GraphNode>();
    collect(n, n, out);
    sibling.set(n, [...out]);
  }
  const order = new Map<Container | undefined, GraphNode[]>();
  const cycles: GraphNode[][] = [];
  for (const [p, list] of children) {
    const sorted = topoSort(list, (n) => sibling.get(n) ?? []);
    order.set(p, sorted.order);
    if (sorted.cycle) cycles.push(sorted.cycle);
  }
  if (!order.has(undefined)) order.set(undefined, []);
  return { graph: { nodes, dependencies, parent, siblingDependencies: sibling, order }, cycles };
}
