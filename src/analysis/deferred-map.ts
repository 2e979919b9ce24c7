/**
 * A write-mostly Map for the per-node facts analysis records (the type of
 * every expression, what every name refers to): checking a large document
 * writes a hundred thousand of them and reads none, and only evaluation
 * asks for some afterwards. Writes append to two arrays; the Map is built
 * on the first read. Keying a Map by fresh AST nodes on every write costs
 * several times more (each node first gets an identity hash, and the table
 * keeps rehashing as it grows).
 */

/** A Map that hashes its entries on the first lookup rather than on each write. */
export class DeferredMap<K extends object, V> {
  private keys: K[] = [];
  private values: V[] = [];
  private index: Map<K, V> | undefined;

  /** Records `value` for `key`; a later value for the same key wins, as with Map.set. */
  set(key: K, value: V): void {
    if (this.index) this.index.set(key, value);
    else {
      this.keys.push(key);
      this.values.push(value);
    }
  }

  /** The value last recorded for `key`. */
  get(key: K): V | undefined {
    if (!this.index) {
      const m = new Map<K, V>();
      this.keys.forEach((k, i) => m.set(k, this.values[i]!));
      this.index = m;
      this.keys = [];
      this.values = [];
    }
    return this.index.get(key);
  }
}
