/**
 * Admission per swarm node: wdlrun keeps its own ledger of what it has placed
 * on each usable node (CPUs, memory, GPUs of the configured generic-resource
 * kind) and submits a service only once some node has room for it, pinning
 * the service to that node. Swarm therefore never holds a wdlrun task pending
 * for lack of resources wdlrun itself uses, and a request no node could ever
 * hold is refused up front with what is missing. Pure bookkeeping, no I/O.
 *
 * Nodes are chosen to spread work: among the nodes with room, tasks that need
 * no GPU prefer nodes with fewer GPUs (keeping those free for GPU tasks), then
 * the node with the most free CPUs, then the most free memory.
 */
import { formatBytes } from "../../runtime/units.js";
import { advertisedKinds, type SwarmNode } from "./cluster.js";

/** What one attempt reserves on its node. */
export interface PlacementRequest {
  readonly cpu: number;
  readonly memoryBytes: number;
  /** GPUs, as generic resources of the configured kind. */
  readonly gpus: number;
}

/** A reservation on one node; `release` gives it back (idempotent). */
export interface Placement {
  readonly node: SwarmNode;
  release(): void;
}

/** Thrown (rejected) by `acquire` when its signal aborts while it waits. */
export class PlacementAbortedError extends Error {
  constructor() {
    super("cancelled while waiting for a swarm node");
    this.name = "PlacementAbortedError";
  }
}

interface Used {
  cpu: number;
  memoryBytes: number;
  gpus: number;
}

interface Waiter {
  readonly request: PlacementRequest;
  readonly resolve: (p: Placement) => void;
  readonly reject: (e: Error) => void;
}

const EPS = 1e-9;

/** Per-node bookkeeping of what this wdlrun process placed. */
export class NodeLedger {
  private nodes: SwarmNode[] = [];
  private readonly used = new Map<string, Used>();
  private readonly waiters: Waiter[] = [];

  /**
   * @param gpuKind the generic-resource kind GPUs are advertised as (`swarm.gpu_kind`)
   */
  constructor(
    nodes: readonly SwarmNode[],
    readonly gpuKind: string,
  ) {
    this.setNodes(nodes);
  }

  /** The usable nodes wdlrun places on. */
  get usableNodes(): readonly SwarmNode[] {
    return this.nodes;
  }

  /** Number of attempts waiting for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Replaces the node list (nodes come and go); reservations on known nodes are kept. */
  setNodes(nodes: readonly SwarmNode[]): void {
    this.nodes = nodes.filter((n) => n.usable);
    this.drain();
  }

  /** GPUs of the configured kind on `node`. */
  gpusOf(node: SwarmNode): number {
    return node.generic.get(this.gpuKind)?.count ?? 0;
  }

  /** The most of each resource any one usable node has. */
  largest(): { readonly cpu: number; readonly memoryBytes: number; readonly gpus: number } {
    return {
      cpu: Math.max(0, ...this.nodes.map((n) => n.cpu)),
      memoryBytes: Math.max(0, ...this.nodes.map((n) => n.memoryBytes)),
      gpus: Math.max(0, ...this.nodes.map((n) => this.gpusOf(n))),
    };
  }

  /**
   * Why no usable node could ever hold `r` (with what is missing and the
   * fix), or undefined when at least one could.
   */
  never(r: PlacementRequest): string | undefined {
    if (this.nodes.some((n) => this.holds(n, r))) return undefined;
    if (this.nodes.length === 0) return "needs a ready and active swarm node, and none is (docker node ls)";
    const big = this.largest();
    const gpuNodes = this.nodes.filter((n) => this.gpusOf(n) > 0);
    if (r.gpus > 0 && gpuNodes.length === 0) {
      const kinds = advertisedKinds(this.nodes);
      return (
        `needs ${plural(r.gpus, "GPU")} but no ready swarm node advertises generic resource ${this.gpuKind} (swarm.gpu_kind)` +
        (kinds.length > 0 ? `; the nodes advertise ${kinds.join(", ")}` : "") +
        `: start dockerd on the GPU nodes with --node-generic-resource ${this.gpuKind}=<GPU UUID> per GPU (or set swarm.gpu_kind to the kind they advertise)`
      );
    }
    const over: string[] = [];
    if (r.gpus > big.gpus) over.push(`${plural(r.gpus, "GPU")} (${this.gpuKind}; the most on one node is ${big.gpus})`);
    if (r.cpu > big.cpu + EPS) over.push(`${plural(r.cpu, "CPU")} (the largest node has ${big.cpu})`);
    if (r.memoryBytes > big.memoryBytes) over.push(`${formatBytes(r.memoryBytes)} of memory (the largest node has ${formatBytes(big.memoryBytes)})`);
    if (over.length > 0) return `requests ${over.join(" and ")}; more than any swarm node can give`;
    return `requests ${plural(r.cpu, "CPU")}, ${formatBytes(r.memoryBytes)} and ${plural(r.gpus, "GPU")} together, which no single swarm node has`;
  }

  /** Reserves room for `r` on a node that has it free now; undefined when none has. */
  tryTake(r: PlacementRequest): Placement | undefined {
    if (this.waiters.length > 0) return undefined;
    return this.take(r);
  }

  /**
   * Waits until some node has room for `r` and reserves it. Rejects with an
   * Error saying what is missing when no node could ever hold it, and with
   * PlacementAbortedError when `signal` aborts first.
   */
  acquire(r: PlacementRequest, signal?: AbortSignal): Promise<Placement> {
    const why = this.never(r);
    if (why !== undefined) return Promise.reject(new Error(why));
    if (signal?.aborted) return Promise.reject(new PlacementAbortedError());
    const now = this.tryTake(r);
    if (now) return Promise.resolve(now);
    return new Promise<Placement>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new PlacementAbortedError());
        this.drain();
      };
      const w: Waiter = {
        request: r,
        resolve: (p) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(p);
        },
        reject: (e) => {
          signal?.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  private holds(n: SwarmNode, r: PlacementRequest): boolean {
    return r.cpu <= n.cpu + EPS && r.memoryBytes <= n.memoryBytes && r.gpus <= this.gpusOf(n);
  }

  private free(n: SwarmNode): Used {
    const u = this.used.get(n.id) ?? { cpu: 0, memoryBytes: 0, gpus: 0 };
    return { cpu: n.cpu - u.cpu, memoryBytes: n.memoryBytes - u.memoryBytes, gpus: this.gpusOf(n) - u.gpus };
  }

  private take(r: PlacementRequest): Placement | undefined {
    let best: { node: SwarmNode; free: Used } | undefined;
    for (const node of this.nodes) {
      const free = this.free(node);
      if (r.cpu > free.cpu + EPS || r.memoryBytes > free.memoryBytes || r.gpus > free.gpus) continue;
      if (best === undefined || this.better(r, node, free, best.node, best.free)) best = { node, free };
    }
    if (best === undefined) return undefined;
    const node = best.node;
    const u = this.used.get(node.id) ?? { cpu: 0, memoryBytes: 0, gpus: 0 };
    u.cpu += r.cpu;
    u.memoryBytes += r.memoryBytes;
    u.gpus += r.gpus;
    this.used.set(node.id, u);
    let released = false;
    return {
      node,
      release: () => {
        if (released) return;
        released = true;
        u.cpu -= r.cpu;
        u.memoryBytes -= r.memoryBytes;
        u.gpus -= r.gpus;
        this.drain();
      },
    };
  }

  private better(r: PlacementRequest, a: SwarmNode, fa: Used, b: SwarmNode, fb: Used): boolean {
    if (r.gpus === 0 && this.gpusOf(a) !== this.gpusOf(b)) return this.gpusOf(a) < this.gpusOf(b);
    if (Math.abs(fa.cpu - fb.cpu) > EPS) return fa.cpu > fb.cpu;
    return fa.memoryBytes > fb.memoryBytes;
  }

  /** Grants waiting requests that fit now, oldest first (smaller ones may pass a large one). */
  private drain(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i]!;
      const why = this.never(w.request);
      if (why !== undefined) {
        this.waiters.splice(i, 1);
        w.reject(new Error(why));
        continue;
      }
      const p = this.take(w.request);
      if (p) {
        this.waiters.splice(i, 1);
        w.resolve(p);
      } else i++;
    }
  }
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
