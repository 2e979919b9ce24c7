import { describe, expect, it } from "vitest";
import { AcquireAbortedError, ResourcePool, ResourceRefusedError } from "../../src/runtime/resource-pool.js";

const GiB = 1024 ** 3;
const cap = (cpu: number, memGiB: number, gpuIds: string[] = []) => ({ cpu, memoryBytes: memGiB * GiB, gpuIds });
const req = (cpu: number, memGiB: number, gpuCount = 0) => ({ cpu, memoryBytes: memGiB * GiB, gpuCount });
const tick = () => new Promise((r) => setImmediate(r));

describe("ResourcePool", () => {
  it("grants at once what fits and parks what does not, until released", async () => {
    const pool = new ResourcePool(cap(4, 8));
    const a = await pool.acquire(req(2, 4));
    const b = await pool.acquire(req(2, 4));
    let cGranted = false;
    const c = pool.acquire(req(1, 1)).then((l) => ((cGranted = true), l));
    await tick();
    expect(cGranted).toBe(false);
    expect(pool.parked).toBe(1);
    a.release();
    const lease = await c;
    expect(cGranted).toBe(true);
    expect(pool.active).toBe(2);
    lease.release();
    b.release();
    expect(pool.active).toBe(0);
  });

  it("counts memory as well as CPUs", async () => {
    const pool = new ResourcePool(cap(16, 4));
    const a = await pool.acquire(req(1, 3));
    let granted = false;
    const b = pool.acquire(req(1, 2)).then((l) => ((granted = true), l));
    await tick();
    expect(granted).toBe(false);
    a.release();
    (await b).release();
  });

  it("refuses a request above the whole capacity instead of parking it forever", async () => {
    const pool = new ResourcePool(cap(2, 4));
    await expect(pool.acquire(req(3, 1))).rejects.toThrow(ResourceRefusedError);
    await expect(pool.acquire(req(1, 5))).rejects.toThrow(/5 GiB of memory \(capacity 4 GiB\)/);
    await expect(pool.acquire(req(1, 1, 1))).rejects.toThrow(/needs 1 GPU but the backend has none/);
  });

  it("clamps a request above the capacity with try_with_max", async () => {
    const pool = new ResourcePool(cap(2, 4), { tryWithMax: true });
    const lease = await pool.acquire(req(8, 64));
    expect(lease).toMatchObject({ cpu: 2, memoryBytes: 4 * GiB, clamped: true });
    lease.release();
  });

  it("never gives one GPU id to two attempts at once", async () => {
    const pool = new ResourcePool(cap(8, 8, ["gpu1", "gpu0"]));
    const a = await pool.acquire(req(1, 1, 1));
    const b = await pool.acquire(req(1, 1, 1));
    expect(a.gpuIds).toEqual(["gpu0"]);
    expect(b.gpuIds).toEqual(["gpu1"]);
    let granted = false;
    const c = pool.acquire(req(1, 1, 1)).then((l) => ((granted = true), l));
    await tick();
    expect(granted).toBe(false);
    b.release();
    const lc = await c;
    expect(lc.gpuIds).toEqual(["gpu1"]);
    const held = new Set([...a.gpuIds, ...lc.gpuIds]);
    expect(held.size).toBe(2);
    a.release();
    lc.release();
  });

  it("lets a smaller request pass a larger one that does not fit yet (backfill), oldest first within a shape", async () => {
    const pool = new ResourcePool(cap(4, 16));
    const a = await pool.acquire(req(3, 1));
    const order: string[] = [];
    const big = pool.acquire(req(4, 1)).then((l) => (order.push("big"), l));
    const s1 = pool.acquire(req(1, 1)).then((l) => (order.push("s1"), l));
    const s2 = pool.acquire(req(1, 1)).then((l) => (order.push("s2"), l));
    await tick();
    expect(order).toEqual(["s1"]);
    (await s1).release();
    await tick();
    expect(order).toEqual(["s1", "s2"]);
    a.release();
    (await s2).release();
    (await big).release();
    expect(order).toEqual(["s1", "s2", "big"]);
  });

  it("gives up a parked request when its signal aborts", async () => {
    const pool = new ResourcePool(cap(1, 1));
    const a = await pool.acquire(req(1, 1));
    const ac = new AbortController();
    const p = pool.acquire(req(1, 1), ac.signal);
    ac.abort();
    await expect(p).rejects.toThrow(AcquireAbortedError);
    expect(pool.parked).toBe(0);
    a.release();
  });

  it("caps the number of leases when maxActive is set", async () => {
    const pool = new ResourcePool(cap(64, 64), { maxActive: 2 });
    const a = await pool.acquire(req(1, 1));
    await pool.acquire(req(1, 1));
    let granted = false;
    const c = pool.acquire(req(1, 1)).then((l) => ((granted = true), l));
    await tick();
    expect(granted).toBe(false);
    a.release();
    await c;
    expect(granted).toBe(true);
  });

  it("handles many parked requests of one shape in linear time", async () => {
    const pool = new ResourcePool(cap(1, 1));
    const n = 20_000;
    const leases = Array.from({ length: n }, () => pool.acquire(req(1, 0.001)));
    const t0 = Date.now();
    for (let i = 0; i < n; i++) (await leases[i]!).release();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(pool.active).toBe(0);
  });

  describe("with the nodes of a multi-node backend (swarm)", () => {
    // Two nodes: "big" with 4 CPUs, 4 GiB and 2 GPUs, "wide" with 2 CPUs, 16 GiB and 1 GPU (totals 6 CPUs, 20 GiB, 3 GPUs).
    const nodes = [
      { id: "aaaaaaaaaaaaaaaaaaaa", name: "big", cpu: 4, memoryBytes: 4 * GiB, gpuIds: ["big/g#1", "big/g#2"] },
      { id: "bbbbbbbbbbbbbbbbbbbb", name: "wide", cpu: 2, memoryBytes: 16 * GiB, gpuIds: ["wide/g#1"] },
    ];
    const swarm = { cpu: 6, memoryBytes: 20 * GiB, gpuIds: [...nodes[0]!.gpuIds, ...nodes[1]!.gpuIds], nodes };

    it("admits what one node can hold", () => {
      const pool = new ResourcePool(swarm);
      expect(pool.admit(req(4, 4, 2)).kind).toBe("fits");
      expect(pool.admit(req(2, 16, 1)).kind).toBe("fits");
    });

    it("refuses what the totals hold but no node does, naming the largest node", () => {
      const pool = new ResourcePool(swarm);
      expect(pool.admit(req(5, 1))).toEqual({
        kind: "refused",
        reason: "requests 5 CPUs (the largest node, big (aaaaaaaaaaaa), has 4); a task runs on one node, and that is more than any node can give",
      });
      expect(pool.admit(req(1, 17)).kind).toBe("refused");
      expect(pool.admit(req(3, 8))).toEqual({
        kind: "refused",
        reason:
          "requests 3 CPUs and 8 GiB of memory together, which no single node has (largest: big (aaaaaaaaaaaa) with 4 CPUs, wide (bbbbbbbbbbbb) with 16 GiB)",
      });
      expect(pool.admit(req(1, 1, 3))).toEqual({ kind: "refused", reason: "needs 3 GPUs on one node but the most any node has is 2 (big (aaaaaaaaaaaa))" });
      // GPUs narrow the nodes: 2 GPUs are only on "big", whose memory is 4 GiB.
      expect(pool.admit(req(1, 8, 2))).toMatchObject({ kind: "refused", reason: expect.stringMatching(/^requests 8 GiB of memory \(the largest node, big \(aaaaaaaaaaaa\), has 4 GiB\)/) });
    });

    it("clamps to one node with try_with_max, but never GPUs", async () => {
      const pool = new ResourcePool(swarm, { tryWithMax: true });
      expect(pool.admit(req(5, 2))).toMatchObject({ kind: "clamped", request: { cpu: 4, memoryBytes: 2 * GiB, gpuCount: 0 } });
      expect(pool.admit(req(3, 8))).toMatchObject({ kind: "clamped", request: { cpu: 2, memoryBytes: 8 * GiB } });
      expect(pool.admit(req(1, 1, 3)).kind).toBe("refused");
      const lease = await pool.acquire(req(8, 1));
      expect(lease).toMatchObject({ cpu: 4, clamped: true });
      lease.release();
    });
  });
});
