/**
 * Name scopes for expression checking: what a bare name means at a given
 * place (a declaration, a call, a scatter variable, the hidden `task`
 * variable), with the type it has there. Scopes chain to their parent.
 */
import type { Span } from "../diagnostics/span.js";
import type { WdlType } from "../types/types.js";
import type { Binding, GraphNode } from "./model.js";

/** What a name means in a scope. */
export interface ScopeEntry {
  readonly name: string;
  /**
   * The value's type as seen from the scope that holds this entry (Array/optional-wrapped when exported
   * from a scatter/if); `Any` for a call (its outputs are in `outputs`), which is also the type of a call
   * used as a value: CheckedDocument.typeOf reads a name's type from here.
   */
  readonly type: WdlType;
  /** Undefined only for a call whose callee could not be resolved (already reported). */
  readonly binding: Binding | undefined;
  /** Where the name is defined. */
  readonly span: Span;
  /** For calls: each output's type as seen from this scope. */
  readonly outputs?: ReadonlyMap<string, WdlType>;
  /** For calls whose callee is unknown: any member is accepted, as `Any`. */
  readonly unknownOutputs?: boolean;
  /** The graph node that produces the value (workflows), or the declaration (tasks). */
  readonly node?: GraphNode;
  /** Workflows: the position of `node` in the workflow checker's node list (its graph tables are arrays by position). */
  readonly index?: number;
}

/** A set of names, possibly with a parent scope to fall back on. */
export class Scope {
  private readonly entries = new Map<string, ScopeEntry>();

  constructor(readonly parent?: Scope) {}

  /** Adds an entry unless the name is already present here; returns the existing entry on conflict. */
  define(entry: ScopeEntry): ScopeEntry | undefined {
    const existing = this.entries.get(entry.name);
    if (existing) return existing;
    this.entries.set(entry.name, entry);
    return undefined;
  }

  /** The entry for a name in this scope or, failing that, its ancestors. */
  lookup(name: string): ScopeEntry | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: Scope | undefined = this;
    while (s) {
      const e = s.entries.get(name);
      if (e) return e;
      s = s.parent;
    }
    return undefined;
  }

  /** The entry defined directly in this scope. */
  own(name: string): ScopeEntry | undefined {
    return this.entries.get(name);
  }

  /** Every entry defined directly in this scope. */
  ownEntries(): IterableIterator<ScopeEntry> {
    return this.entries.values();
  }

  /** Every visible name (for "did you mean" suggestions). */
  *names(): Iterable<string> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: Scope | undefined = this;
    while (s) {
      yield* s.entries.keys();
      s = s.parent;
    }
  }
}
