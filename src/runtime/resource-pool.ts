/**
 * The resource pool: admits task attempts against a backend's capacity, and
 * decides where each one runs. It counts CPUs, memory and individual GPU
 * ids; an attempt whose request does not fit right now is parked until
 * enough is released. A request larger than the whole capacity is refused at
 * once (or clamped to the capacity when `tryWithMax` is set), so nothing
 * waits forever. One GPU id is never given to two attempts at the same time.
 *
 * Parked requests are grouped by shape (cpu, memory, gpus); on each release
 * the pool walks the shapes in order of their oldest waiter and grants what
 * fits. Smaller requests may pass a large one that does not fit yet
 * (backfilling), so a release costs O(number of distinct shapes), not
 * O(number of parked attempts).
 *
 * It is node-aware. When the capacity lists the machines behind it
 * (`Capacity.nodes`, swarm) it keeps what is free on each: a request must fit
 * on one of them (one above every node is refused, listing what each node
 * has, or clamped to a node), and each lease names the node it runs on,
 * chosen by ./node-choice.ts; the backend only carries that out. Without
 * nodes the backend is one machine, and the lease names its device ids. A
 * node that went down (`nodeDown`) gets nothing more; what no other node can
 * hold is then refused.
 *
 * A request may name a GPU model (`gpu` hint `"H100"`): only GPUs of that
 * model (`Capacity.gpuModels`, matched by ./gpu-models.ts) count for it.
 *
 * A request may be a gang (`ranks` > 1, wdlrun's `nodes` hint): N ranks,
 * each with the request's cpu, memory and GPUs. Without nodes, on one
 * machine: the pool reserves N times the request as one reservation. With
 * nodes, each rank on one node (several ranks may share one): the pool
 * places every rank at once, or none. Either way a gang is admitted whole or
 * not at all (never some ranks waiting for the rest), and two gangs cannot
 * deadlock holding parts of what each needs. A gang that could never fit
 * (more than the capacity, or ranks the nodes cannot hold all together) is
 * refused at once, like any request that can never fit.
 */
import type { Capacity, NodeCapacity } from "../backends/backend.js";
import { describeGpu, gpuMatches, type GpuModel } from "./gpu-models.js";
import { chooseNode } from "./node-choice.js";
import type { TaskConstraints } from "./requirements/constraints.js";
import { formatBytes } from "./units.js";

/** What one attempt asks for. */
export interface ResourceRequest {
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly gpuCount: number;
  /** Only GPUs of this model will do; absent = any GPU. */
  readonly gpuModel?: GpuModel;
  /** How many ranks of a gang each get the cpu, memory and GPUs above, admitted together; absent = 1. */
  readonly ranks?: number;
}

/**
 * What an attempt with `constraints` asks the pool for (each rank's share,
 * for a gang). The spec's defaults (1 cpu, 2 GiB) never make a task
 * unrunnable on a smaller machine: a default is fitted to the capacity, or
 * to a rank's share of it for a gang.
 */
export function taskRequest(constraints: TaskConstraints, capacity: Capacity): ResourceRequest {
  const ranks = constraints.nodes;
  return {
    cpu: constraints.cpuDefaulted ? Math.min(constraints.cpu, capacity.cpu / ranks) : constraints.cpu,
    memoryBytes: constraints.memoryDefaulted ? Math.min(constraints.memoryBytes, Math.floor(capacity.memoryBytes / ranks)) : constraints.memoryBytes,
    gpuCount: constraints.gpuCount,
    ...(constraints.gpuModel !== undefined ? { gpuModel: constraints.gpuModel } : {}),
    ...(ranks > 1 ? { ranks } : {}),
  };
}

/** What the pool granted; `release` gives it back (idempotent). */
export interface Lease {
  /** CPUs and memory of one rank (of the attempt, when it is no gang). */
  readonly cpu: number;
  readonly memoryBytes: number;
  /** The GPU ids of every rank, in rank order (each rank's share the same size). */
  readonly gpuIds: readonly string[];
  /** The node it runs on (a gang's rank 0), when the capacity lists nodes. */
  readonly node?: NodeCapacity;
  /** For a gang, when the capacity lists nodes: each rank's node, in rank order. */
  readonly rankNodes?: readonly NodeCapacity[];
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
  /** The whole reservation (every rank's together), or one rank's for a gang placed rank by rank (`spread`). */
  readonly request: ResourceRequest;
  readonly ranks: number;
  readonly clamped: boolean;
  readonly resolve: (lease: Lease) => void;
  readonly reject: (e: Error) => void;
  readonly signal?: AbortSignal;
  onAbort?: () => void;
  done: boolean;
}

const EPS = 1e-9;

/** What is free on one machine (a node, or the whole backend when it lists none). */
interface Slot {
  readonly node: NodeCapacity | undefined;
  freeCpu: number;
  freeMemory: number;
  readonly freeGpus: string[];
  down: boolean;
}

/** One part of a grant: so much of one machine (a whole attempt, a one-machine gang, or one rank of a gang placed node by node). */
interface Part {
  readonly slot: Slot;
  readonly request: ResourceRequest;
}

/** Counts free resources and parks requests until they fit. */
export class ResourcePool {
  private freeCpu: number;
  private freeMemory: number;
  private readonly slots: Slot[];
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
    const nodes = capacity.nodes ?? [];
    this.slots =
      nodes.length > 0
        ? nodes.map((n) => ({ node: n, freeCpu: n.cpu, freeMemory: n.memoryBytes, freeGpus: [...n.gpuIds].sort(), down: false }))
        : [{ node: undefined, freeCpu: capacity.cpu, freeMemory: capacity.memoryBytes, freeGpus: [...capacity.gpuIds].sort(), down: false }];
  }

  /** Number of requests parked right now. */
  get parked(): number {
    return this.parkedCount;
  }

  /** Number of leases held right now. */
  get active(): number {
    return this.inUse;
  }

  /** The nodes still up (empty when the capacity lists none). */
  private get liveNodes(): NodeCapacity[] {
    return this.slots.flatMap((s) => (s.node !== undefined && !s.down ? [s.node] : []));
  }

  /** Whether the capacity lists nodes (a gang is then placed rank by rank). */
  private get multi(): boolean {
    return this.slots[0]!.node !== undefined;
  }

  /**
   * Checks a request against the whole capacity, and one node of it when it
   * lists nodes (not what is free now). For a gang, the admitted request is
   * the whole reservation (every rank's together) on a one-machine backend;
   * with nodes, one rank's (with `ranks`), once every rank fits on a node and
   * the nodes can hold all the ranks together. Pure.
   */
  admit(request: ResourceRequest): Admission {
    const ranks = request.ranks ?? 1;
    if (ranks <= 1) return this.admitWhole(request);
    if (!this.multi) {
      const a = this.admitWhole(gangTotal(request, ranks));
      return a.kind === "fits" ? a : { ...a, reason: `runs ${ranks} ranks (hints.nodes), on one machine, and all together ${a.reason}` };
    }
    const total = this.admitTotals(gangTotal(request, ranks), true);
    if (total.kind === "refused") return { ...total, reason: `runs ${ranks} ranks (hints.nodes), and all together ${total.reason}` };
    const one = this.admitWhole({ ...request, ranks: 1 });
    if (one.kind === "refused") return { ...one, reason: `runs ${ranks} ranks (hints.nodes), each on one node, and each ${one.reason}` };
    const rank = { ...one.request, ranks };
    const held = this.liveNodes.reduce((n, node) => n + ranksOn(rank, node.cpu, node.memoryBytes, this.usable(rank, node.gpuIds).length), 0);
    if (held < ranks) {
      const listing = this.liveNodes.map((n) => `${nodeName(n)}: ${ranksOn(rank, n.cpu, n.memoryBytes, this.usable(rank, n.gpuIds).length)}`).join("; ");
      return { kind: "refused", reason: `runs ${ranks} ranks (hints.nodes), each on one node, and the nodes can hold only ${held} of them together (ranks each node holds: ${listing})` };
    }
    return one.kind === "clamped" ? { ...one, request: rank } : { kind: "fits", request: rank };
  }

  private admitWhole(request: ResourceRequest): Admission {
    const multi = this.multi;
    const whole = this.admitTotals(request, multi);
    if (!multi) return whole;
    if (whole.kind === "refused") {
      // More than every node too: say so node by node.
      const onNode = admitOnNode(request, { kind: "fits", request }, this.liveNodes, false, (ids) => gpuListing(ids, this.capacity), this.usableCount(request));
      return onNode.kind === "refused" ? onNode : whole;
    }
    return admitOnNode(request, whole, this.liveNodes, this.options.tryWithMax === true, (ids) => gpuListing(ids, this.capacity), this.usableCount(request));
  }

  private admitTotals(request: ResourceRequest, multi: boolean): Admission {
    const cap = this.capacity;
    // With nodes, GPUs are checked per node (listing what each has).
    const short = multi ? undefined : gpuShortfall(request, cap.gpuIds, cap);
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

  /** How many of a node's GPU ids `r` may be given. */
  private usableCount(r: ResourceRequest): (ids: readonly string[]) => number {
    return (ids) => this.usable(r, ids).length;
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
    const ranks = request.ranks ?? 1;
    const clamped = admission.kind === "clamped";
    if (this.parkedCount === 0) {
      const parts = this.placementFor(req, ranks);
      if (parts) return Promise.resolve(this.grant(parts, ranks, clamped));
    }
    return new Promise<Lease>((resolve, reject) => {
      const w: Waiter = { seq: this.seq++, request: req, ranks, clamped, resolve, reject, done: false, ...(signal ? { signal } : {}) };
      if (signal) {
        w.onAbort = () => this.cancelWaiter(w, new AcquireAbortedError());
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

  /**
   * Node `id` went down: nothing more is placed there (what runs there now
   * releases as usual). Parked requests that no other node can ever hold are
   * refused.
   */
  nodeDown(id: string): void {
    const slot = this.slots.find((s) => s.node?.id === id);
    if (slot === undefined || slot.down) return;
    slot.down = true;
    for (const q of [...this.shapes.values()])
      for (const w of [...q]) {
        const a = this.admit(w.request);
        if (a.kind === "refused") this.cancelWaiter(w, new ResourceRefusedError(a.reason));
      }
    this.drain();
  }

  /**
   * Where to run `r` (of `ranks` ranks) now: one part, or for a gang placed
   * rank by rank (`r` one rank's) one part per rank, in rank order; undefined
   * when there is no room for all of it (or the cap on leases is reached).
   */
  private placementFor(r: ResourceRequest, ranks: number): Part[] | undefined {
    const cap = this.options.maxActive ?? 0;
    if (cap > 0 && this.inUse >= cap) return undefined;
    const spread = this.multi && ranks > 1;
    const total = spread ? gangTotal(r, ranks) : r;
    if (total.cpu > this.freeCpu + EPS || total.memoryBytes > this.freeMemory) return undefined;
    // What each machine would have left once the ranks placed so far are on it.
    const left = new Map(this.slots.map((s) => [s, { freeCpu: s.freeCpu, freeMemory: s.freeMemory, freeGpus: this.usable(r, s.freeGpus).length }]));
    const parts: Part[] = [];
    for (let k = 0; k < (spread ? ranks : 1); k++) {
      const room = this.slots.filter((s) => {
        const l = left.get(s)!;
        return !s.down && r.cpu <= l.freeCpu + EPS && r.memoryBytes <= l.freeMemory && r.gpuCount <= l.freeGpus;
      });
      if (room.length === 0) return undefined;
      const slot = room.length === 1 || room[0]!.node === undefined ? room[0]! : room[chooseNode(r.gpuCount, room.map((s) => ({ node: s.node!, ...left.get(s)! })))]!;
      const l = left.get(slot)!;
      left.set(slot, { freeCpu: l.freeCpu - r.cpu, freeMemory: l.freeMemory - r.memoryBytes, freeGpus: l.freeGpus - r.gpuCount });
      parts.push({ slot, request: spread ? { ...r, ranks: 1 } : r });
    }
    return parts;
  }

  /** Reserves every part (together, the whole reservation of `ranks` ranks); the lease tells one rank's share. */
  private grant(parts: readonly Part[], ranks: number, clamped: boolean): Lease {
    const gpuIds: string[] = [];
    const taken = parts.map(({ slot, request: r }) => {
      this.freeCpu -= r.cpu;
      this.freeMemory -= r.memoryBytes;
      slot.freeCpu -= r.cpu;
      slot.freeMemory -= r.memoryBytes;
      const ids = this.usable(r, slot.freeGpus).slice(0, r.gpuCount);
      for (const id of ids) slot.freeGpus.splice(slot.freeGpus.indexOf(id), 1);
      gpuIds.push(...ids);
      return ids;
    });
    this.inUse++;
    let released = false;
    const cpu = parts.reduce((a, p) => a + p.request.cpu, 0);
    const memory = parts.reduce((a, p) => a + p.request.memoryBytes, 0);
    const node = parts[0]!.slot.node;
    return {
      cpu: cpu / ranks,
      memoryBytes: Math.floor(memory / ranks),
      gpuIds,
      ...(node !== undefined ? { node } : {}),
      ...(node !== undefined && ranks > 1 ? { rankNodes: parts.map((p) => p.slot.node!) } : {}),
      clamped,
      release: () => {
        if (released) return;
        released = true;
        this.inUse--;
        parts.forEach(({ slot, request: r }, i) => {
          this.freeCpu += r.cpu;
          this.freeMemory += r.memoryBytes;
          slot.freeCpu += r.cpu;
          slot.freeMemory += r.memoryBytes;
          for (const id of taken[i]!) slot.freeGpus.push(id);
          slot.freeGpus.sort();
        });
        this.drain();
      },
    };
  }

  /** Grants parked requests that fit, oldest shape first. */
  private drain(): void {
    if (this.parkedCount === 0) return;
    const order = [...this.shapes.values()].sort((a, b) => a[0]!.seq - b[0]!.seq);
    for (const q of order) {
      const next = () => (q.length > 0 ? this.placementFor(q[0]!.request, q[0]!.ranks) : undefined);
      for (let parts = next(); parts !== undefined; parts = next()) {
        const w = q.shift()!;
        this.parkedCount--;
        w.done = true;
        if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
        w.resolve(this.grant(parts, w.ranks, w.clamped));
      }
    }
    for (const [k, q] of this.shapes) if (q.length === 0) this.shapes.delete(k);
  }

  private cancelWaiter(w: Waiter, error: Error): void {
    if (w.done) return;
    w.done = true;
    if (w.signal && w.onAbort) w.signal.removeEventListener("abort", w.onAbort);
    const key = shapeKey(w.request);
    const q = this.shapes.get(key);
    if (q) {
      const i = q.indexOf(w);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.shapes.delete(key);
    }
    this.parkedCount--;
    w.reject(error);
    this.drain();
  }
}

/** What a gang of `ranks` ranks of `r` needs together. */
function gangTotal(r: ResourceRequest, ranks: number): ResourceRequest {
  return { cpu: r.cpu * ranks, memoryBytes: r.memoryBytes * ranks, gpuCount: r.gpuCount * ranks, ...(r.gpuModel !== undefined ? { gpuModel: r.gpuModel } : {}) };
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
  listGpus: (ids: readonly string[]) => string,
  usableCount: (ids: readonly string[]) => number,
): Admission {
  const r = whole.request;
  if (nodes.length === 0) return { kind: "refused", reason: "needs a node to run on, and every node of the backend has gone down" };
  const holds = (n: NodeCapacity) => r.cpu <= n.cpu + EPS && r.memoryBytes <= n.memoryBytes && r.gpuCount <= usableCount(n.gpuIds);
  if (nodes.some(holds)) return whole;
  const has = (n: NodeCapacity) => `${nodeName(n)}: ${listGpus(n.gpuIds)}, ${plural(n.cpu, "CPU")}, ${formatBytes(n.memoryBytes)}`;
  const listing = nodes.map(has).join("; ");
  const withGpus = nodes.filter((n) => usableCount(n.gpuIds) >= r.gpuCount);
  if (withGpus.length === 0) {
    return { kind: "refused", reason: `needs ${gpusAsked(request)} on one node, and no node has that many: ${listing}` };
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
  if (!tryWithMax) return { kind: "refused", reason: `${reason}; the nodes: ${listing}` };
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

/**
 * A node's GPUs counted by model (or by the capacity's GPU kind when no
 * model is known): `2 GPUs (NVIDIA-GPU)`, `2 GPUs (NVIDIA-GPU) and 1 GPU
 * (H100, 80 GiB)`, `no GPU (NVIDIA-GPU)`.
 */
function gpuListing(ids: readonly string[], cap: Capacity): string {
  const kind = cap.gpuKind !== undefined ? ` (${cap.gpuKind})` : "";
  if (ids.length === 0) return `no GPU${kind}`;
  const counts = new Map<string, number>();
  for (const id of ids) {
    const model = cap.gpuModels?.[id];
    const label = model !== undefined ? ` (${model.name}${model.memoryBytes !== undefined ? `, ${formatBytes(model.memoryBytes)}` : ""})` : kind;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${plural(n, "GPU")}${label}`).join(" and ");
}

/** `2 GPUs`, `1 GPU "H100"`. */
function gpusAsked(r: ResourceRequest): string {
  return `${plural(r.gpuCount, "GPU")}${r.gpuModel ? ` ${JSON.stringify(r.gpuModel.text)}` : ""}`;
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

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

function shapeKey(r: ResourceRequest): string {
  return `${r.cpu}/${r.memoryBytes}/${r.gpuCount}/${r.gpuModel?.text ?? ""}/${r.ranks ?? 1}`;
}

/** How many ranks of `r` a machine with so many CPUs, memory and usable GPUs holds. Pure. */
function ranksOn(r: ResourceRequest, cpu: number, memoryBytes: number, gpus: number): number {
  const fits = (has: number, each: number) => (each <= 0 ? Infinity : Math.floor((has + EPS) / each));
  return Math.min(fits(cpu, r.cpu), fits(memoryBytes, r.memoryBytes), fits(gpus, r.gpuCount));
}
