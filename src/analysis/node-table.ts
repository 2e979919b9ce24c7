/**
 * A read-only Map over the nodes of a workflow graph whose values live in
 * arrays by node position: the graph's tables (dependencies, parents,
 * sibling dependencies) share one Map from node to position (built when
 * first needed) instead of each being a Map keyed by tens of thousands of
 * nodes, and a value can be computed only when someone asks for it.
 */
import type { GraphNode } from "./model.js";

/**
 * Each node's position in a node list. The Map is built on the first lookup:
 * checking a document never looks a node up, only running it does.
 */
export class NodePositions {
  private map: Map<GraphNode, number> | undefined;

  constructor(readonly nodes: readonly GraphNode[]) {}

  /** Node → position, in node order. */
  index(): ReadonlyMap<GraphNode, number> {
    if (!this.map) {
      const m = new Map<GraphNode, number>();
      this.nodes.forEach((n, i) => m.set(n, i));
      this.map = m;
    }
    return this.map;
  }
}

/** A ReadonlyMap from graph nodes to values computed from their positions. */
export class NodeTable<V> implements ReadonlyMap<GraphNode, V> {
  private asMap: Map<GraphNode, V> | undefined;

  /**
   * `positions`: each node's position; `valueAt(i)`: the value of the node at position i
   * (called on every lookup: it should be cheap, or remember what it computed).
   */
  constructor(
    private readonly positions: NodePositions,
    private readonly valueAt: (i: number) => V,
  ) {}

  get size(): number {
    return this.positions.nodes.length;
  }

  get(node: GraphNode): V | undefined {
    const i = this.positions.index().get(node);
    return i === undefined ? undefined : this.valueAt(i);
  }

  has(node: GraphNode): boolean {
    return this.positions.index().has(node);
  }

  forEach(callback: (value: V, key: GraphNode, map: ReadonlyMap<GraphNode, V>) => void, thisArg?: unknown): void {
    this.positions.nodes.forEach((node, i) => callback.call(thisArg, this.valueAt(i), node, this));
  }

  keys(): MapIterator<GraphNode> {
    return this.positions.index().keys();
  }

  values(): MapIterator<V> {
    return this.map().values();
  }

  entries(): MapIterator<[GraphNode, V]> {
    return this.map().entries();
  }

  [Symbol.iterator](): MapIterator<[GraphNode, V]> {
    return this.entries();
  }

  /** A real Map with the same entries, for iteration (rare: tests and tools). */
  private map(): Map<GraphNode, V> {
    if (!this.asMap) {
      const m = new Map<GraphNode, V>();
      this.positions.nodes.forEach((node, i) => m.set(node, this.valueAt(i)));
      this.asMap = m;
    }
    return this.asMap;
  }
}
