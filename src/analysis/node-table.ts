/**
 * A read-only Map over the nodes of a workflow graph whose values live in
 * arrays by node position: the graph's tables (dependencies, parents,
 * sibling dependencies) share one Map from node to position instead of
 * each being a Map keyed by tens of thousands of nodes, and a value can be
 * computed only when someone asks for it.
 */
import type { GraphNode } from "./model.js";

/** A ReadonlyMap from graph nodes to values computed from their positions. */
export class NodeTable<V> implements ReadonlyMap<GraphNode, V> {
  private asMap: Map<GraphNode, V> | undefined;

  /**
   * `positions`: each node's position (in node order); `valueAt(i)`: the value of the node at position i
   * (called on every lookup: it should be cheap, or remember what it computed).
   */
  constructor(
    private readonly positions: ReadonlyMap<GraphNode, number>,
    private readonly valueAt: (i: number) => V,
  ) {}

  get size(): number {
    return this.positions.size;
  }

  get(node: GraphNode): V | undefined {
    const i = this.positions.get(node);
    return i === undefined ? undefined : this.valueAt(i);
  }

  has(node: GraphNode): boolean {
    return this.positions.has(node);
  }

  forEach(callback: (value: V, key: GraphNode, map: ReadonlyMap<GraphNode, V>) => void, thisArg?: unknown): void {
    for (const [node, i] of this.positions) callback.call(thisArg, this.valueAt(i), node, this);
  }

  keys(): MapIterator<GraphNode> {
    return this.positions.keys();
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
      for (const [node, i] of this.positions) m.set(node, this.valueAt(i));
      this.asMap = m;
    }
    return this.asMap;
  }
}
