/**
 * The resource pool: admits task attempts against a backend's capacity. It
 * counts CPUs, memory and individual GPU ids; an attempt whose request does
 * not fit right now is parked until enough is released. A request larger
 * than the whole capacity is refused at once (or clamped to the capacity
 * when `tryWithMax` is set), so nothing waits forever. One GPU id is never
 * given to two attempts at the same time.
 *
 * Parked requests are grouped by shape (cpu, memory, gpus); on each release
 * the pool walks the shapes in order of their oldest waiter and grants what
 * fits. Smaller requests may pass a large one that does not fit yet
 * (backfilling), so a release costs O(number of distinct shapes), not
 * O(number of parked attempts).
 *
 * When the capacity lists the machines behind it (`Capacity.nodes`, swarm),
 * a request must also fit on one of them: one above the largest node is
 * refused (or clamped to a node) even when the totals could hold it. Which
 * node an admitted attempt runs on is the backend's business.
 *
 * A request may name a GPU model (`gpu` hint `"H100"`): only GPUs of that
 * model (`Capacity.gpuModels`, matched by ./gpu-models.ts) count for it.
 */
import type { Capacity, NodeCapacity } from "../backends/backend.js";
import { describeGpu, gpuMatches, type GpuModel } from "./gpu-models.js";
import { formatBytes } from "./units.js";

/** What one attempt asks for. */
export interface ResourceRequest {
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly gpuCount: number;
  /** Only GPUs of this model will do; absent = any GPU. */
  readonly gpuModel?: GpuModel;
}

/** What the pool granted; `release` gives it back (idempotent). */
export interface Lease {
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly gpuIds: readonly string[];
  /** True when the request was clamped to the capacity (`tryWithMax`). */
  readonly clamped: boolean;
  release(): void;
}

/** The outcome of checking a request against the whole capacity. */
export type Admission =
  | { readonly kind: "fits"; readonly request: ResourceRequest }
  | { readonly kind: "clamped"; readonly request: ResourceRequest; readonly reason: string }
  | { readonly kind: "refused"; readonly reason: string };

/** Thrown by `acquire` when a request can never be satisfied; the message is for the user. */
export class ResourceRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResourceRefusedError";
  }
}

/** Thrown by `acquire` when its signal is aborted while parked. */
export class AcquireAbortedError extends Error {
  constructor() {
    super("cancelled while waiting for resources");
    this.name = "AcquireAbortedError";
  }
}

interface Waiter {
  readonly seq: number;
  readonly request: ResourceRequest;
  readonly clamped: boolean;
  readonly resolve: (lease: Lease) => void;
  readonly reject: (e: Error) => void;
  readonly signal?: AbortSignal;
  onAbort?: () => void;
  done: boolean;
}

const EPS = 1e-9;

/** Counts free resources and parks requests until they fit. */
export class ResourcePool {
  private freeCpu: number;
  private freeMemory: number;
  private readonly freeGpus: string[];
  private readonly shapes = new Map<string, Waiter[]>();
  private seq = 0;
  private parkedCount = 0;
  private inUse = 0;

  constructor(
    readonly capacity: Capacity,
    private readonly options: {
      readonly tryWithMax?: boolean;
      /** Most leases held at once; 0 or absent = no cap beyond the resources. */
      readonly maxActive?: number;
    } = {},
  ) {
    this.freeCpu = capacity.cpu;
    this.freeMemory = capacity.memoryBytes;
    this.freeGpus = [...capacity.gpuIds].sort();
  }

  /** Number of requests parked right now. */
  get parked(): number {
    return this.parkedCount;
  }

  /** Number of leases held right now. */
  get active(): number {
    return this.inUse;
  }

  /** Checks a request against the whole capacity, and one node of it when it lists nodes (not what is free now). Pure. */
  admit(request: ResourceRequest): Admission {
    const whole = this.admitTotals(request);
    const nodes = this.capacity.nodes;
    if (whole.kind === "refused" || nodes === undefined || nodes.length === 0) return whole;
    return admitOnNode(request, whole, nodes, this.options.tryWithMax === true, (ids) => this.usable(request, ids).length);
  }

  private admitTotals(request: ResourceRequest): Admission {
    const cap = this.capacity;
    const short = gpuShortfall(request, cap.gpuIds, cap);
    if (short !== undefined) return { kind: "refused", reason: short };
    const over: string[] = [];
    if (request.cpu > cap.cpu + EPS) over.push(`${request.cpu} CPUs (capacity ${cap.cpu})`);
    if (request.memoryBytes > cap.memoryBytes) over.push(`${formatBytes(request.memoryBytes)} of memory (capacity ${formatBytes(cap.memoryBytes)})`);
    if (over.length === 0) return { kind: "fits", request };
    const reason = `requests ${over.join(" and ")}`;
    if (!this.options.tryWithMax) return { kind: "refused", reason: `${reason}; more than the backend can ever give` };
    return {
      kind: "clamped",
      reason: `${reason}; clamped to the capacity (try_with_max)`,
      request: { ...request, cpu: Math.min(request.cpu, cap.cpu), memoryBytes: Math.min(request.memoryBytes, cap.memoryBytes) },
    };
  }

  /** The GPU ids among `ids` that `r` may be given. */
  private usable(r: ResourceRequest, ids: readonly string[]): readonly string[] {
    return usableGpus(r, ids, this.capacity);
  }

  /**
   * Waits until `request` fits and reserves it. Rejects with
   * ResourceRefusedError when it can never fit, and with AcquireAbortedError
   * when `signal` aborts while parked.
   */
  acquire(request: ResourceRequest, signal?: AbortSignal): Promise<Lease> {
    const admission = this.admit(request);
    if (admission.kind === "refused") return Promise.reject(new ResourceRefusedError(admission.reason));
    if (signal?.aborted) return Promise.reject(new AcquireAbortedError());
    const req = admission.request;
    const clamped = admission.kind === "clamped";
    if (this.parkedCount === 0 && this.fits(req)) return Promise.resolve(this.grant(req, clamped));
    return new Promise<Lease>((resolve, reject) => {
      const w: Waiter = { seq: this.seq++, request: req, clamped, resolve, reject, done: false, ...(signal ? { signal } : {}) };
      if (signal) {
        w.onAbort = () => this.cancelWaiter(w);
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      const key = shapeKey(req);
      let q = this.shapes.get(key);
      if (!q) {
        q = [];
        this.shapes.set(key, q);
      }
      q.push(w);
      this.parkedCount++;
      // A request that fits may still be parked behind others only when the queue was not empty; try now.
      this.drain();
    });
  }

  private fits(r: ResourceRequest): boolean {
    const cap = this.options.maxActive ?? 0;
    if (cap > 0 && this.inUse >= cap) return false;
    return r.cpu <= this.freeCpu + EPS && r.memoryBytes <= this.freeMemory && r.gpuCount <= this.usable(r, this.freeGpus).length;
  }

  private grant(r: ResourceRequest, clamped: boolean): Lease {
    this.freeCpu -= r.cpu;
    this.freeMemory -= r.memoryBytes;
    const gpuIds = this.usable(r, this.freeGpus).slice(0, r.gpuCount);
    for (const id of gpuIds) this.freeGpus.splice(this.freeGpus.indexOf(id), 1);
    this.inUse++;
    let released = false;
    return {
      cpu: r.cpu,
      memoryBytes: r.memoryBytes,
      gpuIds,
      clamped,
      release: () => {
        if (released) return;
        released = true;
        this.inUse--;
        this.freeCpu += r.cpu;
        this.freeMemory += r.memoryBytes;
        for (const id of gpuIds) this.freeGpus.push(id);
        this.freeGpus.sort();
        this.drain();
      },
    };
  }

  /** Grants parked requests that fit, oldest shape first. */
  private drain(): void {
    if (this.parkedCount === 0) return;
    const order = [...this.shapes.values()].sort((a, b) => a[0]!.seq - b[0]!.seq);
    for (const q of order) {
      while (q.length > 0 && this.fits(q[0]!.request)) {
        const w = q.shift()!;
        this.parkedCount--;
        w.done = true;
        if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
        w.resolve(this.grant(w.request, w.clamped));
      }
    }
    for (const [k, q] of this.shapes) if (q.length === 0) this.shapes.delete(k);
  }

  private cancelWaiter(w: Waiter): void {
    if (w.done) return;
    w.done = true;
    const key = shapeKey(w.request);
    const q = this.shapes.get(key);
    if (q) {
      const i = q.indexOf(w);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.shapes.delete(key);
    }
    this.parkedCount--;
    w.reject(new AcquireAbortedError());
    this.drain();
  }
}

/**
 * Checks a request that the totals admitted (`whole`) against single nodes:
 * an attempt runs on one node, so it must fit on one. GPUs are never
 * clamped; cpu and memory are clamped to the best node with `tryWithMax`.
 */
function admitOnNode(
  request: ResourceRequest,
  whole: Admission & { readonly kind: "fits" | "clamped" },
  nodes: readonly NodeCapacity[],
  tryWithMax: boolean,
  usableCount: (ids: readonly string[]) => number,
): Admission {
  const r = whole.request;
  const holds = (n: NodeCapacity) => r.cpu <= n.cpu + EPS && r.memoryBytes <= n.memoryBytes && r.gpuCount <= usableCount(n.gpuIds);
  if (nodes.some(holds)) return whole;
  const withGpus = nodes.filter((n) => usableCount(n.gpuIds) >= r.gpuCount);
  if (withGpus.length === 0) {
    const most = largestBy(nodes, (n) => usableCount(n.gpuIds));
    return {
      kind: "refused",
      reason: `needs ${gpusAsked(request)} on one node but the most any node has is ${usableCount(most.gpuIds)} (${nodeName(most)})`,
    };
  }
  const byCpu = largestBy(withGpus, (n) => n.cpu);
  const byMemory = largestBy(withGpus, (n) => n.memoryBytes);
  const over: string[] = [];
  if (request.cpu > byCpu.cpu + EPS) over.push(`${request.cpu} CPUs (the largest node, ${nodeName(byCpu)}, has ${byCpu.cpu})`);
  if (request.memoryBytes > byMemory.memoryBytes) {
    over.push(`${formatBytes(request.memoryBytes)} of memory (the largest node, ${nodeName(byMemory)}, has ${formatBytes(byMemory.memoryBytes)})`);
  }
  const reason =
    over.length > 0
      ? `requests ${over.join(" and ")}; a task runs on one node, and that is more than any node can give`
      : `requests ${request.cpu} CPUs and ${formatBytes(request.memoryBytes)} of memory together, which no single node has (largest: ${nodeName(byCpu)} with ${byCpu.cpu} CPUs, ${nodeName(byMemory)} with ${formatBytes(byMemory.memoryBytes)})`;
  if (!tryWithMax) return { kind: "refused", reason };
  // The node that keeps the most of the request (as a share of each resource).
  const kept = (n: NodeCapacity) => Math.min(r.cpu, n.cpu) / Math.max(r.cpu, EPS) + Math.min(r.memoryBytes, n.memoryBytes) / Math.max(r.memoryBytes, 1);
  const best = largestBy(withGpus, kept);
  return {
    kind: "clamped",
    reason: `${reason}; clamped to node ${nodeName(best)} (try_with_max)`,
    request: { ...r, cpu: Math.min(r.cpu, best.cpu), memoryBytes: Math.min(r.memoryBytes, best.memoryBytes) },
  };
}

/** The ids among `ids` a request may be given: all, or those of its model. */
function usableGpus(r: ResourceRequest, ids: readonly string[], cap: Capacity): readonly string[] {
  const model = r.gpuModel;
  return model === undefined ? ids : ids.filter((id) => gpuMatches(model, cap.gpuModels?.[id]));
}

/** `2 GPUs`, `1 GPU "H100"`. */
function gpusAsked(r: ResourceRequest): string {
  return `${r.gpuCount} GPU${r.gpuCount === 1 ? "" : "s"}${r.gpuModel ? ` ${JSON.stringify(r.gpuModel.text)}` : ""}`;
}

/** Why `ids` can never hold the request's GPUs, listing what there is; undefined when they can. */
function gpuShortfall(r: ResourceRequest, ids: readonly string[], cap: Capacity): string | undefined {
  const usable = usableGpus(r, ids, cap);
  if (r.gpuCount <= usable.length) return undefined;
  const listed = ids.map((id) => describeGpu(id, cap.gpuModels?.[id])).join(", ");
  if (ids.length === 0) return `needs ${gpusAsked(r)} but the backend has none`;
  if (r.gpuModel === undefined) return `needs ${gpusAsked(r)} but the backend has ${ids.length}: ${listed}`;
  const of = usable.length === 0 ? "none of that model" : `only ${usable.length} of that model`;
  return `needs ${gpusAsked(r)} but the backend has ${of}; its ${ids.length === 1 ? "GPU" : `${ids.length} GPUs`}: ${listed}`;
}

/** The first node with the most of `f`. */
function largestBy(nodes: readonly NodeCapacity[], f: (n: NodeCapacity) => number): NodeCapacity {
  return nodes.reduce((best, n) => (f(n) > f(best) ? n : best));
}

/** `host (node id)`: host names alone may repeat. */
function nodeName(n: NodeCapacity): string {
  return n.name !== "" && n.name !== n.id ? `${n.name} (${n.id.slice(0, 12)})` : n.id.slice(0, 12);
}

function shapeKey(r: ResourceRequest): string {
  return `${r.cpu}/${r.memoryBytes}/${r.gpuCount}/${r.gpuModel?.text ?? ""}`;
}
