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
});
