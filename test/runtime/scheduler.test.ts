import { describe, expect, it } from "vitest";
import { buildPlan, DagScheduler, NodesFailedError, StoppedError, type RunControl } from "../../src/runtime/scheduler.js";

function control(keepGoing = false): RunControl & { failures: unknown[]; stopped: boolean } {
  const c = {
    stopped: false,
    keepGoing,
    failures: [] as unknown[],
    fail(e: unknown) {
      c.failures.push(e);
      if (!keepGoing) c.stopped = true;
    },
  };
  return c;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("DagScheduler", () => {
  it("runs synchronous nodes in a topological, stable order", async () => {
    const deps: Record<string, string[]> = { a: [], b: ["a"], c: ["a"], d: ["b", "c"], e: [] };
    const order: string[] = [];
    const plan = buildPlan(Object.keys(deps), (n) => deps[n]!);
    await new DagScheduler(plan, (n) => void order.push(n), control()).run();
    expect(order).toEqual(["a", "e", "b", "c", "d"]);
  });

  it("dispatches a node as soon as its own inputs are ready, not level by level", async () => {
    // slow → after_slow; fast → after_fast. after_fast must start before slow finishes.
    const deps: Record<string, string[]> = { slow: [], fast: [], after_slow: ["slow"], after_fast: ["fast"] };
    const log: string[] = [];
    const plan = buildPlan(Object.keys(deps), (n) => deps[n]!);
    await new DagScheduler(
      plan,
      async (n) => {
        log.push(`start ${n}`);
        await delay(n === "slow" ? 60 : 5);
        log.push(`end ${n}`);
      },
      control(),
    ).run();
    expect(log.indexOf("start after_fast")).toBeLessThan(log.indexOf("end slow"));
    expect(log.indexOf("start after_slow")).toBeGreaterThan(log.indexOf("end slow"));
  });

  it("runs independent asynchronous nodes concurrently", async () => {
    const plan = buildPlan(["a", "b", "c"], () => []);
    let running = 0;
    let peak = 0;
    await new DagScheduler(
      plan,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await delay(10);
        running--;
      },
      control(),
    ).run();
    expect(peak).toBe(3);
  });

  it("stops dispatching after a failure and reports it", async () => {
    const deps: Record<string, string[]> = { bad: [], slow: [], next: ["slow"] };
    const ran: string[] = [];
    const ctl = control();
    const plan = buildPlan(Object.keys(deps), (n) => deps[n]!);
    const run = new DagScheduler(
      plan,
      async (n) => {
        ran.push(n);
        if (n === "bad") throw new Error("boom");
        await delay(20);
      },
      ctl,
    ).run();
    await expect(run).rejects.toThrow(NodesFailedError);
    expect(ran).toEqual(["bad", "slow"]);
    expect(ctl.failures).toHaveLength(1);
  });

  it("with keep-going, skips only the failed node's dependents", async () => {
    const deps: Record<string, string[]> = { bad: [], after_bad: ["bad"], ok: [], after_ok: ["ok"] };
    const ran: string[] = [];
    const plan = buildPlan(Object.keys(deps), (n) => deps[n]!);
    const run = new DagScheduler(
      plan,
      async (n) => {
        ran.push(n);
        await delay(1);
        if (n === "bad") throw new Error("boom");
      },
      control(true),
    ).run();
    await expect(run).rejects.toThrow(/boom/);
    expect(ran.sort()).toEqual(["after_ok", "bad", "ok"]);
  });

  it("settles with StoppedError when the run stops before everything ran", async () => {
    const ctl = control();
    const deps: Record<string, string[]> = { a: [], b: ["a"] };
    const plan = buildPlan(Object.keys(deps), (n) => deps[n]!);
    const run = new DagScheduler(
      plan,
      async () => {
        ctl.stopped = true;
        await delay(1);
      },
      ctl,
    ).run();
    await expect(run).rejects.toThrow(StoppedError);
  });

  it("rejects with StoppedError when a node was stopped, even if every node settled", async () => {
    const ctl = control();
    const plan = buildPlan(["only"], () => []);
    const run = new DagScheduler(
      plan,
      async () => {
        ctl.stopped = true;
        await delay(1);
        throw new StoppedError();
      },
      ctl,
    ).run();
    await expect(run).rejects.toThrow(StoppedError);
  });

  it("shares one plan across many instances (a scatter body) cheaply", async () => {
    const deps: Record<string, string[]> = { x: [], y: ["x"], z: ["y"] };
    const plan = buildPlan(Object.keys(deps), (n) => deps[n]!);
    let count = 0;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 10_000 }, () => new DagScheduler(plan, () => void count++, control()).run()));
    expect(count).toBe(30_000);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
