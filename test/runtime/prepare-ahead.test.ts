/**
 * Making attempts ready ahead (src/runtime/prepare-ahead.ts): places taken
 * in the order asked, handed on as they are given back, given up by a waiter
 * that is granted first; a backend's making ahead started only with a place,
 * and a failed one left to execute.
 */
import { describe, expect, it } from "vitest";
import type { AttemptRequest, Backend, PreparedAttempt } from "../../src/backends/backend.js";
import { AheadPlaces, prepareAhead } from "../../src/runtime/prepare-ahead.js";

const never = new AbortController().signal;
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("places ahead", () => {
  it("are taken in the order asked and handed on as they are given back", async () => {
    const places = new AheadPlaces(2);
    const order: number[] = [];
    const releases = [0, 1, 2, 3].map((i) => places.enter(never).then((r) => (order.push(i), r)));
    await tick();
    expect(order).toEqual([0, 1]);
    (await releases[1])!();
    await tick();
    expect(order).toEqual([0, 1, 2]);
    const r1 = await releases[1];
    r1!(); // a second release of the same place gives nothing more
    await tick();
    expect(order).toEqual([0, 1, 2]);
    (await releases[0])!();
    await tick();
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it("are given up by a waiter whose signal is aborted (its turn goes to the next)", async () => {
    const places = new AheadPlaces(1);
    const first = await places.enter(never);
    const stop = new AbortController();
    const gaveUp = places.enter(stop.signal);
    const next = places.enter(never);
    stop.abort();
    expect(await gaveUp).toBeUndefined();
    first!();
    expect(await next).toBeTypeOf("function");
  });
});

describe("prepareAhead", () => {
  const request = { callId: "call-t" } as AttemptRequest;
  const made: PreparedAttempt = { discard: () => Promise.resolve() };
  const backend = (prepare?: Backend["prepare"]) => ({ kind: "docker", ...(prepare ? { prepare } : {}) }) as unknown as Backend;

  it("makes the attempt ready with a place, and gives the place back when settled", async () => {
    const places = new AheadPlaces(1);
    const ahead = prepareAhead(backend(() => Promise.resolve(made)), places, request);
    expect(await ahead.settle()).toBe(made);
    expect(await places.enter(never)).toBeTypeOf("function");
  });

  it("makes nothing for an attempt granted before a place was free, or when the backend makes nothing ahead", async () => {
    const places = new AheadPlaces(1);
    const held = await places.enter(never);
    let asked = 0;
    const ahead = prepareAhead(backend(() => (asked++, Promise.resolve(made))), places, request);
    expect(await ahead.settle()).toBeUndefined();
    held!();
    await tick();
    expect(asked).toBe(0);
    expect(await prepareAhead(backend(), places, request).settle()).toBeUndefined();
  });

  it("leaves a failed making ahead to execute", async () => {
    const ahead = prepareAhead(backend(() => Promise.reject(new Error("no such image"))), new AheadPlaces(1), request);
    expect(await ahead.settle()).toBeUndefined();
  });
});
