import { describe, expect, it } from "vitest";
import { DEFAULT_CONSTRAINTS } from "../../src/runtime/requirements/constraints.js";
import { AcquireAbortedError, ResourcePool, ResourceRefusedError, taskRequest } from "../../src/runtime/resource-pool.js";

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
        reason:
          "requests 5 CPUs (the largest node, big (aaaaaaaaaaaa), has 4); a task runs on one node, and that is more than any node can give; " +
          "the nodes: big (aaaaaaaaaaaa): 2 GPUs, 4 CPUs, 4 GiB; wide (bbbbbbbbbbbb): 1 GPU, 2 CPUs, 16 GiB",
      });
      expect(pool.admit(req(1, 17)).kind).toBe("refused");
      expect(pool.admit(req(3, 8))).toEqual({
        kind: "refused",
        reason:
          "requests 3 CPUs and 8 GiB of memory together, which no single node has (largest: big (aaaaaaaaaaaa) with 4 CPUs, wide (bbbbbbbbbbbb) with 16 GiB); " +
          "the nodes: big (aaaaaaaaaaaa): 2 GPUs, 4 CPUs, 4 GiB; wide (bbbbbbbbbbbb): 1 GPU, 2 CPUs, 16 GiB",
      });
      expect(pool.admit(req(1, 1, 3))).toEqual({
        kind: "refused",
        reason: "needs 3 GPUs on one node, and no node has that many: big (aaaaaaaaaaaa): 2 GPUs, 4 CPUs, 4 GiB; wide (bbbbbbbbbbbb): 1 GPU, 2 CPUs, 16 GiB",
      });
      // More GPUs than all the nodes together: the same wording, with the kind when the backend names it.
      expect(new ResourcePool({ ...swarm, gpuKind: "NVIDIA-GPU" }).admit(req(1, 1, 4))).toMatchObject({
        reason: expect.stringMatching(/^needs 4 GPUs on one node, and no node has that many: big \(aaaaaaaaaaaa\): 2 GPUs \(NVIDIA-GPU\), 4 CPUs, 4 GiB; /),
      });
      // GPUs narrow the nodes: 2 GPUs are only on "big", whose memory is 4 GiB.
      expect(pool.admit(req(1, 8, 2))).toMatchObject({ kind: "refused", reason: expect.stringMatching(/^requests 8 GiB of memory \(the largest node, big \(aaaaaaaaaaaa\), has 4 GiB\)/) });
    });

    it("clamps to one node with try_with_max, but never GPUs", async () => {
      const pool = new ResourcePool(swarm, { tryWithMax: true });
      expect(pool.admit(req(5, 2))).toMatchObject({ kind: "clamped", request: { cpu: 4, memoryBytes: 2 * GiB, gpuCount: 0 } });
      expect(pool.admit(req(3, 8))).toMatchObject({ kind: "clamped", request: { cpu: 2, memoryBytes: 8 * GiB } });
      expect(pool.admit(req(1, 1, 3)).kind).toBe("refused");
      const lease = await pool.acquire(req(8, 1));
      expect(lease).toMatchObject({ cpu: 4, clamped: true, node: { name: "big" } });
      lease.release();
    });

    it("chooses the node of every lease: GPUs from that node only, never shared, and a GPU task waits for a node with a free GPU", async () => {
      const pool = new ResourcePool(swarm);
      const a = await pool.acquire(req(1, 1, 2));
      expect(a.node!.name).toBe("big");
      expect(a.gpuIds).toEqual(["big/g#1", "big/g#2"]);
      const b = await pool.acquire(req(1, 1, 1));
      expect(b).toMatchObject({ node: { name: "wide" }, gpuIds: ["wide/g#1"] });
      let c: Awaited<ReturnType<typeof pool.acquire>> | undefined;
      const parked = pool.acquire(req(1, 1, 1)).then((l) => (c = l));
      await tick();
      expect(c).toBeUndefined();
      a.release();
      await parked;
      expect(c).toMatchObject({ node: { name: "big" }, gpuIds: ["big/g#1"] });
      // A node's own CPUs count: "wide" (2 CPUs) holds one more CPU task beside b, not two.
      const d = await pool.acquire(req(3, 1));
      expect(d.node!.name).toBe("big");
      b.release();
      c!.release();
      d.release();
    });

    it("prefers the engine's own node, then spares GPU nodes for tasks without GPUs, then the most free CPUs", async () => {
      const three = [
        { id: "g".repeat(20), name: "gpu", cpu: 8, memoryBytes: 8 * GiB, gpuIds: ["g1"] },
        { id: "c".repeat(20), name: "cpu", cpu: 4, memoryBytes: 8 * GiB, gpuIds: [] },
        { id: "m".repeat(20), name: "manager", cpu: 1, memoryBytes: 8 * GiB, gpuIds: [], local: true },
      ];
      const pool = new ResourcePool({ cpu: 13, memoryBytes: 24 * GiB, gpuIds: ["g1"], nodes: three });
      const order: string[] = [];
      for (let i = 0; i < 6; i++) order.push((await pool.acquire(req(1, 1))).node!.name);
      expect(order).toEqual(["manager", "cpu", "cpu", "cpu", "cpu", "gpu"]);
      expect((await pool.acquire(req(1, 1, 1))).node!.name).toBe("gpu");
    });

    it("places nothing more on a node that went down, and refuses parked requests no other node can hold", async () => {
      const pool = new ResourcePool(swarm);
      const onBig = await pool.acquire(req(4, 1));
      expect(onBig.node!.name).toBe("big");
      const twoGpus = pool.acquire(req(1, 1, 2));
      const small = pool.acquire(req(1, 1));
      pool.nodeDown("aaaaaaaaaaaaaaaaaaaa");
      await expect(twoGpus).rejects.toThrow(/needs 2 GPUs on one node, and no node has that many: wide \(bbbbbbbbbbbb\): 1 GPU/);
      expect((await small).node!.name).toBe("wide");
      onBig.release();
      expect((await pool.acquire(req(1, 1))).node!.name).toBe("wide");
      expect(pool.admit(req(3, 1)).kind).toBe("refused");
    });
  });
});

describe("ResourcePool gangs (ranks > 1)", () => {
  it("reserves every rank's share at once, and a lease tells one rank's share with every rank's GPUs", async () => {
    const pool = new ResourcePool(cap(8, 16, ["g0", "g1", "g2", "g3"]));
    const lease = await pool.acquire({ ...req(2, 4, 1), ranks: 3 });
    expect(lease.cpu).toBe(2);
    expect(lease.memoryBytes).toBe(4 * GiB);
    expect(lease.gpuIds).toEqual(["g0", "g1", "g2"]);
    // 2 CPUs, 4 GiB and one GPU are left: a single rank of the same shape fits, a second gang does not.
    const single = await pool.acquire(req(2, 4, 1));
    expect(single.gpuIds).toEqual(["g3"]);
    single.release();
    lease.release();
    expect(pool.active).toBe(0);
  });

  it("parks a gang whole while part of it would fit, and admits it whole when enough is released", async () => {
    const pool = new ResourcePool(cap(4, 16));
    const busy = await pool.acquire(req(2, 1));
    let granted = false;
    const gang = pool.acquire({ ...req(1, 1), ranks: 3 }).then((l) => ((granted = true), l));
    await tick();
    expect(granted).toBe(false);
    expect(pool.parked).toBe(1);
    expect(pool.active).toBe(1);
    busy.release();
    const lease = await gang;
    expect(lease.cpu).toBe(1);
    expect(pool.active).toBe(1);
    lease.release();
  });

  it("lets two gangs that cannot run together take turns, never holding parts of each other's needs", async () => {
    const pool = new ResourcePool(cap(4, 16));
    const first = await pool.acquire({ ...req(1, 1), ranks: 3 });
    let second: boolean = false;
    const next = pool.acquire({ ...req(1, 1), ranks: 3 }).then((l) => ((second = true), l));
    await tick();
    expect(second).toBe(false);
    first.release();
    (await next).release();
    expect(pool.active).toBe(0);
  });

  it("refuses at once a gang larger than the capacity, saying it is one", async () => {
    const pool = new ResourcePool(cap(4, 16));
    await expect(pool.acquire({ ...req(2, 1), ranks: 3 })).rejects.toThrow(
      /^runs 3 ranks \(hints\.nodes\), on one machine, and all together requests 6 CPUs \(capacity 4\); more than the backend can ever give$/,
    );
    expect(pool.admit({ ...req(1, 1), ranks: 4 }).kind).toBe("fits");
    await expect(pool.acquire({ ...req(1, 1, 1), ranks: 2 })).rejects.toThrow(ResourceRefusedError);
  });

  it("clamps a gang to the capacity with try_with_max, each rank its share", async () => {
    const pool = new ResourcePool(cap(4, 16), { tryWithMax: true });
    const lease = await pool.acquire({ ...req(4, 2), ranks: 2 });
    expect(lease.clamped).toBe(true);
    expect(lease.cpu).toBe(2);
    expect(lease.memoryBytes).toBe(2 * GiB);
    lease.release();
  });

  describe("with the nodes of a multi-node backend (swarm): each rank on one node, all at once", () => {
    const nodes = [
      { id: "m".repeat(20), name: "manager", cpu: 2, memoryBytes: 4 * GiB, gpuIds: ["m/g#1"], local: true },
      { id: "w".repeat(20), name: "worker", cpu: 2, memoryBytes: 4 * GiB, gpuIds: ["w/g#1"] },
    ];
    const swarm = { cpu: 4, memoryBytes: 8 * GiB, gpuIds: ["m/g#1", "w/g#1"], nodes };

    it("places the ranks node by node, several on one where there is room (the engine's own first), each rank's GPUs from its node", async () => {
      const pool = new ResourcePool(swarm);
      const small = await pool.acquire({ ...req(0.5, 1), ranks: 3 });
      expect(small.rankNodes!.map((n) => n.name)).toEqual(["manager", "manager", "manager"]);
      expect([small.node!.name, small.cpu, small.memoryBytes]).toEqual(["manager", 0.5, GiB]);
      const gpus = await pool.acquire({ ...req(0.5, 1, 1), ranks: 2 });
      expect(gpus.rankNodes!.map((n) => n.name)).toEqual(["manager", "worker"]);
      expect(gpus.gpuIds).toEqual(["m/g#1", "w/g#1"]);
      small.release();
      gpus.release();
      // Released whole: the same again fits.
      expect((await pool.acquire({ ...req(2, 4), ranks: 2 })).rankNodes!.map((n) => n.name)).toEqual(["manager", "worker"]);
    });

    it("parks a gang whole while only some ranks have room, and admits it whole when enough is released", async () => {
      const pool = new ResourcePool(swarm);
      const hold = await pool.acquire(req(2, 1));
      let granted = false;
      const gang = pool.acquire({ ...req(1, 1), ranks: 3 }).then((l) => ((granted = true), l));
      await tick();
      expect([granted, pool.parked]).toEqual([false, 1]);
      hold.release();
      expect((await gang).rankNodes!.map((n) => n.name).sort()).toEqual(["manager", "manager", "worker"]);
    });

    it("refuses at once a gang whose ranks the nodes can never hold together, or a rank no node holds", async () => {
      const pool = new ResourcePool(swarm);
      expect(pool.admit({ ...req(1.2, 1), ranks: 3 })).toEqual({
        kind: "refused",
        reason: "runs 3 ranks (hints.nodes), each on one node, and the nodes can hold only 2 of them together (ranks each node holds: manager (mmmmmmmmmmmm): 1; worker (wwwwwwwwwwww): 1)",
      });
      expect(pool.admit({ ...req(3, 1), ranks: 2 })).toMatchObject({ kind: "refused", reason: expect.stringMatching(/^runs 2 ranks \(hints\.nodes\), and all together requests 6 CPUs/) });
      expect(pool.admit({ ...req(1, 1, 2), ranks: 2 })).toMatchObject({ kind: "refused", reason: expect.stringMatching(/^runs 2 ranks \(hints\.nodes\), each on one node, and each needs 2 GPUs on one node/) });
      await expect(pool.acquire({ ...req(1.2, 1), ranks: 3 })).rejects.toThrow(ResourceRefusedError);
    });
  });
});

describe("taskRequest", () => {
  const constraints = { ...DEFAULT_CONSTRAINTS, cpuDefaulted: true, memoryDefaulted: true };
  it("fits the spec's defaults to the capacity, and to a rank's share of it for a gang", () => {
    expect(taskRequest(constraints, cap(1, 1))).toEqual({ cpu: 1, memoryBytes: GiB, gpuCount: 0 });
    expect(taskRequest({ ...constraints, nodes: 4 }, cap(2, 4))).toEqual({ cpu: 0.5, memoryBytes: GiB, gpuCount: 0, ranks: 4 });
    expect(taskRequest({ ...constraints, nodes: 2 }, cap(16, 64))).toEqual({ cpu: 1, memoryBytes: 2 * GiB, gpuCount: 0, ranks: 2 });
  });
  it("keeps what the task wrote, even when a gang of it can never fit", () => {
    const written = { ...DEFAULT_CONSTRAINTS, cpu: 2, memoryBytes: 3 * GiB, nodes: 3 };
    expect(taskRequest(written, cap(2, 4))).toEqual({ cpu: 2, memoryBytes: 3 * GiB, gpuCount: 0, ranks: 3 });
  });
});
