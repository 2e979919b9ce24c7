import { describe, expect, it } from "vitest";
import { describeGpu, gpuMatches, parseGpuModel } from "../../src/runtime/gpu-models.js";
import { ResourcePool } from "../../src/runtime/resource-pool.js";

const MiB = 1024 ** 2;
const H100 = { name: "NVIDIA H100 80GB HBM3", memoryBytes: 81559 * MiB };
const A100_80 = { name: "NVIDIA A100-SXM4-80GB", memoryBytes: 81920 * MiB };
const A100_40 = { name: "NVIDIA A100-SXM4-40GB", memoryBytes: 40960 * MiB };
const T4 = { name: "Tesla T4", memoryBytes: 15360 * MiB };
const model = (text: string) => parseGpuModel(text)!;

describe("GPU models", () => {
  it("reads model words and an optional memory size", () => {
    expect(parseGpuModel("H100")).toEqual({ text: "H100", words: ["H100"] });
    expect(parseGpuModel("A100-80GB")).toEqual({ text: "A100-80GB", words: ["A100"], memoryBytes: 80e9 });
    expect(parseGpuModel("rtx 4090 24 GiB")).toEqual({ text: "rtx 4090 24 GiB", words: ["RTX", "4090"], memoryBytes: 24 * 1024 ** 3 });
    expect(parseGpuModel("RTX 3080 Ti")).toEqual({ text: "RTX 3080 Ti", words: ["RTX", "3080", "TI"] });
    expect(parseGpuModel("  ")).toBeUndefined();
  });

  it("matches whole words of the name, and at least 90% of the memory named", () => {
    expect(gpuMatches(model("H100"), H100)).toBe(true);
    expect(gpuMatches(model("h100"), H100)).toBe(true);
    expect(gpuMatches(model("A100"), H100)).toBe(false);
    expect(gpuMatches(model("A10"), A100_80)).toBe(false);
    expect(gpuMatches(model("A100-80GB"), A100_80)).toBe(true);
    expect(gpuMatches(model("A100-80GB"), A100_40)).toBe(false);
    expect(gpuMatches(model("A100-40GB"), A100_40)).toBe(true);
    expect(gpuMatches(model("H100-80GB"), H100)).toBe(true); // reports 81559 MiB
    expect(gpuMatches(model("T4-16GB"), T4)).toBe(true); // reports 15360 MiB
    expect(gpuMatches(model("H100-80GB"), { name: "NVIDIA H100" })).toBe(false); // memory unknown
    expect(gpuMatches(model("H100"), { name: "NVIDIA-H100" })).toBe(true); // a swarm generic-resource kind
    expect(gpuMatches(model("H100"), undefined)).toBe(false);
    expect(describeGpu("GPU-1", A100_40)).toBe("GPU-1 (NVIDIA A100-SXM4-40GB, 40 GiB)");
    expect(describeGpu("0", undefined)).toBe("0");
  });

  it("lets the pool give a model's request only GPUs of that model", async () => {
    const gpuModels = { g0: H100, g1: A100_80, g2: H100, g3: A100_40 };
    const pool = new ResourcePool({ cpu: 8, memoryBytes: 2 ** 34, gpuIds: ["g0", "g1", "g2", "g3"], gpuModels });
    const r = (gpuCount: number, text?: string) => ({ cpu: 1, memoryBytes: 1, gpuCount, ...(text ? { gpuModel: model(text) } : {}) });
    const a = await pool.acquire(r(1, "A100-80GB"));
    expect(a.gpuIds).toEqual(["g1"]);
    const h = await pool.acquire(r(2, "H100"));
    expect(h.gpuIds).toEqual(["g0", "g2"]);
    let granted = false;
    const next = pool.acquire(r(1, "H100")).then((l) => ((granted = true), l));
    const any = await pool.acquire(r(1)); // passes the parked H100 request: g3 is free
    expect(any.gpuIds).toEqual(["g3"]);
    await new Promise((res) => setImmediate(res));
    expect(granted).toBe(false);
    h.release();
    expect((await next).gpuIds).toEqual(["g0"]);
  });

  it("refuses a model that is not there, or not often enough, listing what is", () => {
    const pool = new ResourcePool({ cpu: 8, memoryBytes: 2 ** 34, gpuIds: ["g0", "g1"], gpuModels: { g0: H100, g1: A100_40 } });
    const none = pool.admit({ cpu: 1, memoryBytes: 1, gpuCount: 1, gpuModel: model("A100-80GB") });
    expect(none).toEqual({
      kind: "refused",
      reason: 'needs 1 GPU "A100-80GB" but the backend has none of that model; its 2 GPUs: g0 (NVIDIA H100 80GB HBM3, 79.6 GiB), g1 (NVIDIA A100-SXM4-40GB, 40 GiB)',
    });
    const few = pool.admit({ cpu: 1, memoryBytes: 1, gpuCount: 2, gpuModel: model("H100") });
    expect(few.kind === "refused" && few.reason).toMatch(/^needs 2 GPUs "H100" but the backend has only 1 of that model; its 2 GPUs: g0/);
    const many = pool.admit({ cpu: 1, memoryBytes: 1, gpuCount: 3 });
    expect(many.kind === "refused" && many.reason).toBe("needs 3 GPUs but the backend has 2: g0 (NVIDIA H100 80GB HBM3, 79.6 GiB), g1 (NVIDIA A100-SXM4-40GB, 40 GiB)");
  });
});
