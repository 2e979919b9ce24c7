/**
 * Which swarm generic-resource kinds are GPUs, of which model, and how the
 * pool then places a task whose `gpu` hint names a model (src/backends/swarm/gpu-kinds.ts).
 */
import { describe, expect, it } from "vitest";
import { gpuKinds, parseGpuModelEntries } from "../../../src/backends/swarm/gpu-kinds.js";
import { parseGpuModel } from "../../../src/runtime/gpu-models.js";
import { ResourcePool } from "../../../src/runtime/resource-pool.js";

const GiB = 1024 ** 3;

describe("swarm GPU kinds", () => {
  it("reads swarm.gpu_kind as GPUs of no model, NVIDIA-<MODEL> kinds as that model, and leaves other kinds alone", () => {
    const kinds = gpuKinds(["NVIDIA-GPU", "NVIDIA-H100", "NVIDIA-A100-80GB", "SSD", "NVIDIA-"], "NVIDIA-GPU", new Map());
    expect([...kinds]).toEqual([
      ["NVIDIA-GPU", undefined],
      ["NVIDIA-H100", { name: "H100" }],
      ["NVIDIA-A100-80GB", { name: "A100", memoryBytes: 80e9 }],
    ]);
    // swarm.gpu_kind may itself name a model; NVIDIA-GPU then is no GPU kind at all.
    expect([...gpuKinds(["NVIDIA-GPU", "NVIDIA-H100"], "NVIDIA-H100", new Map())]).toEqual([["NVIDIA-H100", { name: "H100" }]]);
  });

  it("takes swarm.gpu_models entries over the NVIDIA- reading, and names a malformed entry", () => {
    const configured = parseGpuModelEntries(["GPU-BIG=A100 80GB", "NVIDIA-H100=H100 NVL 94GB"]);
    const kinds = gpuKinds(["GPU-BIG", "NVIDIA-H100"], "NVIDIA-GPU", configured);
    expect(kinds.get("GPU-BIG")).toEqual({ name: "A100", memoryBytes: 80e9 });
    expect(kinds.get("NVIDIA-H100")).toEqual({ name: "H100 NVL", memoryBytes: 94e9 });
    expect(kinds.has("NVIDIA-GPU")).toBe(true);
    expect(() => parseGpuModelEntries(["H100"])).toThrow('swarm.gpu_models: "H100" is not KIND=MODEL');
    expect(() => parseGpuModelEntries(["=A100"])).toThrow("is not KIND=MODEL");
  });

  it("puts a model request on the node whose kind names the model, and refuses one no node has, listing each node's GPUs", async () => {
    const node = (id: string, gpuIds: string[]) => ({ id: `${id}-id`, name: id, cpu: 4, memoryBytes: 8 * GiB, gpuIds });
    const pool = new ResourcePool({
      cpu: 12,
      memoryBytes: 24 * GiB,
      gpuIds: ["a1", "a2", "h1"],
      gpuModels: { h1: { name: "H100" } },
      gpuKind: "NVIDIA-GPU",
      nodes: [node("one", ["a1", "a2"]), node("two", []), node("three", ["h1"])],
    });
    const h100 = parseGpuModel("H100")!;
    const lease = await pool.acquire({ cpu: 1, memoryBytes: GiB, gpuCount: 1, gpuModel: h100 });
    expect(lease.node?.id).toBe("three-id");
    expect(lease.gpuIds).toEqual(["h1"]);
    lease.release();
    const a = pool.admit({ cpu: 1, memoryBytes: GiB, gpuCount: 1, gpuModel: parseGpuModel("A100")! });
    expect(a).toEqual({
      kind: "refused",
      reason:
        'needs 1 GPU "A100" on one node, and no node has that many: one (one-id): 2 GPUs (NVIDIA-GPU), 4 CPUs, 8 GiB; two (two-id): no GPU (NVIDIA-GPU), 4 CPUs, 8 GiB; three (three-id): 1 GPU (H100), 4 CPUs, 8 GiB',
    });
  });
});
