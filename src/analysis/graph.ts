/**
 * Dependency graphs: a stable topological sort that finds cycles (used for
 * task declarations and for each body of a workflow), and the workflow
 * graph's derived tables (parents, dependencies lifted to siblings, the
 * order of each body).
 *
 * The workflow graph is computed on node positions (indices into the node
 * list) held in arrays, and only turned into the model's Maps at the end: a
 * large workflow has tens of thousands of nodes, and Maps keyed by them cost
 * far more than arrays (every lookup hashes, every Map grows by rehashing).
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
  const depPositions = (i: number): number[] => {
    const out: number[] = [];
    for (const d of deps(nodes[i]!)) {
      const j = position.get(d);
      if (j !== undefined) out.push(j);
    }
    return out;
  };
  const sorted = topoSortPositions(nodes.length, depPositions);
  return { order: sorted.order.map((i) => nodes[i]!), cycle: sorted.cycle?.map((i) => nodes[i]!) };
}

/** `topoSort` on positions `0 … count-1`; `deps(i)` lists positions. */
function topoSortPositions(count: number, deps: (i: number) => readonly number[]): Sorted<number> {
  const indegree = new Int32Array(count);
  const dependents: number[][] = [];
  for (let i = 0; i < count; i++) dependents.push([]);
  // seenBy[j] === i: node i already counted its dependency j.
  const seenBy = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    for (const j of deps(i)) {
      if (seenBy[j] === i) continue;
      seenBy[j] = i;
      indegree[i]!++;
      dependents[j]!.push(i);
    }
  }
  // A min-heap would keep strict source order; a sorted ready list is enough at these sizes.
  const ready: number[] = [];
  for (let i = 0; i < count; i++) if (indegree[i] === 0) ready.push(i);
  let head = 0;
  while (head < ready.length) {
    const i = ready[head++]!;
    for (const j of dependents[i]!) if (--indegree[j]! === 0) ready.push(j);
  }
  if (ready.length === count) return { order: ready, cycle: undefined };
  const remaining: number[] = [];
  for (let i = 0; i < count; i++) if (indegree[i]! > 0) remaining.push(i);
  return { order: [...ready, ...remaining], cycle: findCycle(remaining, deps, (i) => indegree[i]! > 0) };
}

function findCycle(remaining: readonly number[], deps: (i: number) => readonly number[], inSet: (i: number) => boolean): number[] | undefined {
  // Every remaining node lies on or downstream of a cycle: walk dependencies until a node repeats.
  let n = remaining[0]!;
  const path: number[] = [];
  const at = new Map<number, number>();
  for (;;) {
    const seenAt = at.get(n);
    if (seenAt !== undefined) return path.slice(seenAt);
    at.set(n, path.length);
    path.push(n);
    const next = deps(n).find(inSet);
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
  /** The positions each node references directly, in reference order (repeats included). */
  readonly dependencies: readonly (readonly number[])[];
}

/** Builds the WorkflowGraph tables from the raw dependencies. */
export function buildWorkflowGraph(raw: RawWorkflowGraph): { graph: WorkflowGraph; cycles: GraphNode[][] } {
  const { nodes, parent, dependencies } = raw;
  const count = nodes.length;
  const isContainer = (i: number) => nodes[i]!.kind === "Scatter" || nodes[i]!.kind === "Conditional";
  // The bodies in order of their first node (-1: the top level), and each body's nodes.
  const bodies: number[] = [];
  const topBody: number[] = [];
  const bodyOf: (number[] | undefined)[] = new Array<number[] | undefined>(count).fill(undefined);
  for (let i = 0; i < count; i++) {
    const p = parent[i]!;
    let list = p < 0 ? topBody : bodyOf[p];
    if (!list) bodyOf[p] = list = [];
    if (list.length === 0) bodies.push(p);
    list.push(i);
  }
  const children = (p: number): readonly number[] => (p < 0 ? topBody : (bodyOf[p] ?? []));

  // Lift each dependency of a node and of all its descendants to a sibling of the node (-1: none).
  const lift = (n: number, d: number): number => {
    const p = parent[n]!;
    let x = d;
    while (x >= 0 && parent[x] !== p) x = parent[x]!;
    return x === n ? -1 : x;
  };
  const sibling: number[][] = [];
  // addedFor[s] === n: s is already among n's sibling dependencies.
  const addedFor = new Int32Array(count).fill(-1);
  const collect = (root: number, n: number, out: number[]): void => {
    for (const d of dependencies[n]!) {
      const s = lift(root, d);
      if (s >= 0 && addedFor[s] !== root) {
        addedFor[s] = root;
        out.push(s);
      }
    }
    if (isContainer(n)) for (const c of children(n)) collect(root, c, out);
  };
  for (let n = 0; n < count; n++) {
    const out: number[] = [];
    collect(n, n, out);
    sibling.push(out);
  }

  const cycles: GraphNode[][] = [];
  const order = new Map<Container | undefined, GraphNode[]>();
  // Each node's position within its body, for sorting that body alone.
  const local = new Int32Array(count);
  for (const p of bodies) {
    const list = children(p);
    list.forEach((n, k) => (local[n] = k));
    const sorted = topoSortPositions(list.length, (k) => sibling[list[k]!]!.map((s) => local[s]!));
    order.set(p < 0 ? undefined : (nodes[p] as Container), sorted.order.map((k) => nodes[list[k]!]!));
    if (sorted.cycle) cycles.push(sorted.cycle.map((k) => nodes[list[k]!]!));
  }
  if (!order.has(undefined)) order.set(undefined, []);

  const toNodes = (positions: readonly number[]) => positions.map((i) => nodes[i]!);
  const dependencyMap = new Map<GraphNode, readonly GraphNode[]>();
  const parentMap = new Map<GraphNode, Container | undefined>();
  const siblingMap = new Map<GraphNode, readonly GraphNode[]>();
  for (let i = 0; i < count; i++) {
    const n = nodes[i]!;
    dependencyMap.set(n, toNodes(dependencies[i]!));
    parentMap.set(n, parent[i]! < 0 ? undefined : (nodes[parent[i]!] as Container));
    siblingMap.set(n, toNodes(sibling[i]!));
  }
  return { graph: { nodes, dependencies: dependencyMap, parent: parentMap, siblingDependencies: siblingMap, order }, cycles };
}
