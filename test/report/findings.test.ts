/**
 * Requested against used: which tasks the end of a run names, and how.
 */
import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../src/report/data.js";
import { callNameOf, usageFindings } from "../../src/report/findings.js";

const GiB = 1024 ** 3;

function attempt(callId: string, memoryBytes: number, peak: number, opts: { cpu?: number; cpuSeconds?: number; wall?: number; defaulted?: boolean } = {}): AttemptRecord {
  return {
    callId,
    attempt: 1,
    dir: `${callId}/attempt-1`,
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:10.000Z",
    exitCode: 0,
    requested: { cpu: opts.cpu ?? 1, memoryBytes, gpuIds: [], fpga: 0, disks: [], cpuDefaulted: opts.cpu === undefined, memoryDefaulted: opts.defaulted ?? false },
    used: { peakMemoryBytes: peak, cpuSeconds: opts.cpuSeconds ?? 5, wallSeconds: opts.wall ?? 10, source: "test" },
  };
}

describe("usage findings", () => {
  it("names a task that used far less memory than it asked, once for all its scatter elements", () => {
    const lines = usageFindings([attempt("call-align-0000", 16 * GiB, 3.1 * GiB), attempt("call-align-0001", 16 * GiB, 2 * GiB)]);
    expect(lines).toEqual(["`align`: peak 3.1 GiB of 16 GiB memory requested (largest of 2 attempts)"]);
  });

  it("names a task that used more than it asked", () => {
    expect(usageFindings([attempt("call-sort", 1 * GiB, 1.5 * GiB)])).toEqual(["`sort`: peak 1.5 GiB, more than the 1 GiB memory requested"]);
  });

  it("says nothing of requests left at the spec's defaults, nor of usage close to the request", () => {
    expect(usageFindings([attempt("call-a", 2 * GiB, 10 * 1024 * 1024, { defaulted: true }), attempt("call-b", 4 * GiB, 3 * GiB)])).toEqual([]);
  });

  it("compares the average cores busy with the CPUs requested", () => {
    expect(usageFindings([attempt("call-bwa", 4 * GiB, 3 * GiB, { cpu: 8, cpuSeconds: 10, wall: 20 })])).toEqual(["`bwa`: 0.5 of 8 CPUs requested busy on average"]);
    expect(usageFindings([attempt("call-bwa", 4 * GiB, 3 * GiB, { cpu: 1, cpuSeconds: 40, wall: 10 })])).toEqual(["`bwa`: 4 CPUs busy on average, more than the 1 requested"]);
  });

  it("reads the call's name from nested, scattered call ids", () => {
    expect(callNameOf("call-sub-0001.call-align-0007-0002")).toBe("align");
  });
});
