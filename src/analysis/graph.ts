/**
 * Dependency graphs: a stable topological sort that finds cycles (used for
 * task declarations and for each body of a workflow), and the workflow
 * graph's derived tables (parents, dependencies lifted to siblings, the
 * order of each body).
 *
 * The workflow graph is computed on node positions (indices into the node
 * list) in flat arrays, and handed out as NodeTables over one Map from node
 * to position, built when first needed: a large workflow has tens of thousands of nodes, and a Map
 * keyed by them, or an array per node, costs more than the computation.
 */
import type { ConditionalStatement, ScatterStatement } from "../syntax/ast.js";
import type { GraphNode, WorkflowGraph } from "./model.js";
import { NodePositions, NodeTable } from "./node-table.js";

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
  const start = new Int32Array(nodes.length + 1);
  const list: number[] = [];
  // seenBy[j] === i: node i already listed its dependency j.
  const seenBy = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((n, i) => {
    start[i] = list.length;
    for (const d of deps(n)) {
      const j = position.get(d);
      if (j === undefined || seenBy[j] === i) continue;
      seenBy[j] = i;
      list.push(j);
    }
  });
  start[nodes.length] = list.length;
  const flat = { start, list: Int32Array.from(list) };
  const sorted = sortFlat(flat);
  const left = sorted.order.slice(sorted.sortedCount);
  const cycle = left.length > 0 ? findCycle(left, flat) : undefined;
  return { order: sorted.order.map((i) => nodes[i]!), cycle: cycle?.map((i) => nodes[i]!) };
}

/** Dependencies by position, all in one array: node i's are `list[start[i]] … list[start[i+1]-1]`. */
interface FlatDeps {
  readonly start: Int32Array;
  readonly list: Int32Array;
}

/**
 * Sorts positions `0 … n-1` by their dependencies (no node may list one twice) with a first-in first-out
 * ready list (ties keep source order). The first `sortedCount` positions of
 * the order are sorted; the nodes left on or behind a cycle follow in
 * source order.
 */
function sortFlat(deps: FlatDeps): { order: number[]; sortedCount: number } {
  const { start, list } = deps;
  const count = start.length - 1;
  const indegree = new Int32Array(count);
  // The dependents of each node, flat like `deps`, each list in increasing order.
  const dependentsStart = new Int32Array(count + 1);
  for (let k = 0; k < list.length; k++) dependentsStart[list[k]! + 1]!++;
  for (let j = 0; j < count; j++) dependentsStart[j + 1]! += dependentsStart[j]!;
  const dependents = new Int32Array(list.length);
  const filled = dependentsStart.slice(0, count);
  for (let i = 0; i < count; i++) {
    indegree[i] = start[i + 1]! - start[i]!;
    for (let k = start[i]!; k < start[i + 1]!; k++) dependents[filled[list[k]!]!++] = i;
  }
  const order: number[] = [];
  for (let i = 0; i < count; i++) if (indegree[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    const i = order[head]!;
    for (let k = dependentsStart[i]!; k < dependentsStart[i + 1]!; k++) {
      const j = dependents[k]!;
      if (--indegree[j]! === 0) order.push(j);
    }
  }
  const sortedCount = order.length;
  if (sortedCount < count) for (let i = 0; i < count; i++) if (indegree[i]! > 0) order.push(i);
  return { order, sortedCount };
}

/** One cycle among `left` (positions that could not be sorted, in source order; the cycle starts from the first). */
function findCycle(left: readonly number[], deps: FlatDeps): number[] | undefined {
  const inSet = new Set(left);
  // Every node left lies on or downstream of a cycle: walk dependencies until a node repeats.
  let n = left[0]!;
  const path: number[] = [];
  const at = new Map<number, number>();
  for (;;) {
    const seenAt = at.get(n);
    if (seenAt !== undefined) return path.slice(seenAt);
    at.set(n, path.length);
    path.push(n);
    const next = deps.list.subarray(deps.start[n]!, deps.start[n + 1]!).find((d) => inSet.has(d));
    if (next === undefined) return undefined;
    n = next;
  }
}

type Container = ScatterStatement | ConditionalStatement;

/** The raw workflow graph, by node position: what the workflow checker collects. */
export interface RawWorkflowGraph {
  /** Inputs, body (depth-first) and outputs. */
  readonly nodes: readonly GraphNode[];
  /** The position of each node's enclosing scatter/conditional; -1 at the top level. */
  readonly parent: readonly number[];
  /**
   * Every direct reference in the order met (repeats included): node `from[k]` references node `to[k]`.
   * Two flat lists rather than a list per node: most nodes reference one or two others.
   */
  readonly references: { readonly from: readonly number[]; readonly to: readonly number[] };
}

/** Builds the WorkflowGraph tables from the raw dependencies. */
export function buildWorkflowGraph(raw: RawWorkflowGraph): { graph: WorkflowGraph; cycles: GraphNode[][] } {
  const { nodes, parent } = raw;
  const count = nodes.length;
  const dependencies = groupByNode(count, raw.references);
  // The bodies in order of their first node (-1: the top level).
  const bodies: number[] = [];
  const seen = new Uint8Array(count + 1);
  for (let i = 0; i < count; i++) {
    if (seen[parent[i]! + 1]) continue;
    seen[parent[i]! + 1] = 1;
    bodies.push(parent[i]!);
  }
  const sibling = siblingDependencies(parent, dependencies);
  // Sibling dependencies never leave a body, so one sort of all nodes orders each body as sorting it alone would.
  const sorted = sortFlat(sibling);
  const topOrder: GraphNode[] = [];
  const bodyOrder: GraphNode[][] = [];
  for (const p of bodies) if (p >= 0) bodyOrder[p] = [];
  for (const i of sorted.order) (parent[i]! < 0 ? topOrder : bodyOrder[parent[i]!]!).push(nodes[i]!);
  const order = new Map<Container | undefined, GraphNode[]>();
  for (const p of bodies) order.set(p < 0 ? undefined : (nodes[p] as Container), p < 0 ? topOrder : bodyOrder[p]!);
  if (!order.has(undefined)) order.set(undefined, []);
  // One cycle per body that has nodes left unsorted, bodies in order.
  const cycles: GraphNode[][] = [];
  if (sorted.sortedCount < count) {
    const left = new Map<number, number[]>();
    for (const i of sorted.order.slice(sorted.sortedCount)) {
      const list = left.get(parent[i]!);
      if (list) list.push(i);
      else left.set(parent[i]!, [i]);
    }
    for (const p of bodies) {
      const inBody = left.get(p);
      const cycle = inBody ? findCycle(inBody, sibling) : undefined;
      if (cycle) cycles.push(cycle.map((i) => nodes[i]!));
    }
  }

  const positions = new NodePositions(nodes);
  const memo = <V>(compute: (i: number) => V): ((i: number) => V) => {
    let values: (V | undefined)[] | undefined;
    return (i) => ((values ??= new Array<V | undefined>(count).fill(undefined))[i] ??= compute(i));
  };
  const toNodes = (from: ArrayLike<number>, start: number, end: number): GraphNode[] => {
    const out: GraphNode[] = [];
    for (let k = start; k < end; k++) out.push(nodes[from[k]!]!);
    return out;
  };
  const graph: WorkflowGraph = {
    nodes,
    dependencies: new NodeTable(
      positions,
      memo((i) => toNodes(dependencies.list, dependencies.start[i]!, dependencies.start[i + 1]!)),
    ),
    parent: new NodeTable(positions, (i) => (parent[i]! < 0 ? undefined : (nodes[parent[i]!] as Container))),
    siblingDependencies: new NodeTable(
      positions,
      memo((i) => toNodes(sibling.list, sibling.start[i]!, sibling.start[i + 1]!)),
    ),
    order,
  };
  return { graph, cycles };
}

/**
 * Lifts each dependency of a node and of all its descendants to the sibling
 * of the node that contains it (dropping those inside the node itself and
 * those outside its body, which are satisfied before the body starts).
 * Nodes are numbered depth-first, so a node's descendants are the positions
 * right after it, up to `end`.
 */
function siblingDependencies(parent: readonly number[], dependencies: FlatDeps): FlatDeps {
  const count = parent.length;
  const end = new Int32Array(count);
  for (let i = count - 1; i >= 0; i--) {
    end[i] = Math.max(end[i]!, i + 1);
    const p = parent[i]!;
    if (p >= 0) end[p] = Math.max(end[p]!, end[i]!);
  }
  const lift = (n: number, d: number): number => {
    const p = parent[n]!;
    let x = d;
    while (x >= 0 && parent[x] !== p) x = parent[x]!;
    return x === n ? -1 : x;
  };
  const start = new Int32Array(count + 1);
  const list: number[] = [];
  // addedFor[s] === n: s is already among n's sibling dependencies.
  const addedFor = new Int32Array(count).fill(-1);
  for (let n = 0; n < count; n++) {
    start[n] = list.length;
    for (let m = n; m < end[n]!; m++) {
      for (let k = dependencies.start[m]!; k < dependencies.start[m + 1]!; k++) {
        const s = lift(n, dependencies.list[k]!);
        if (s < 0 || addedFor[s] === n) continue;
        addedFor[s] = n;
        list.push(s);
      }
    }
  }
  start[count] = list.length;
  return { start, list: Int32Array.from(list) };
}

/** The references grouped by referring node, each node's in the order met (repeats kept). */
function groupByNode(count: number, references: RawWorkflowGraph["references"]): FlatDeps {
  const { from, to } = references;
  const start = new Int32Array(count + 1);
  for (const f of from) start[f + 1]!++;
  for (let i = 0; i < count; i++) start[i + 1]! += start[i]!;
  const list = new Int32Array(from.length);
  const next = start.slice(0, count);
  for (let k = 0; k < from.length; k++) list[next[from[k]!]!++] = to[k]!;
  return { start, list };
}
