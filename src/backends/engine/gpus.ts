/**
 * GPUs for containers: the host's GPU inventory (`nvidia-smi --query-gpu`:
 * index, UUID, model name, memory), the engine's device request for the ids
 * an attempt was granted, and the one clear error when the engine cannot give
 * containers GPUs.
 */
import { execFile } from "node:child_process";
import type { GpuDescription } from "../backend.js";

/** One GPU as `nvidia-smi` reports it. */
export interface InventoryGpu extends GpuDescription {
  /** The id wdlrun hands out: the UUID, else the index. */
  readonly id: string;
  readonly index: string;
}

/** The query wdlrun makes (the stand-in of scripts/setup-gpu-engine.sh answers exactly this). */
export const NVIDIA_SMI_QUERY = ["--query-gpu=index,uuid,name,memory.total", "--format=csv,noheader,nounits"];

/** Parses the answer to NVIDIA_SMI_QUERY: `index, uuid, name, memory MiB` per line. */
export function parseGpuInventory(text: string): InventoryGpu[] {
  const gpus: InventoryGpu[] = [];
  for (const line of text.split("\n")) {
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length < 4 || !/^\d+$/.test(cells[0]!)) continue;
    const [index, uuid] = [cells[0]!, cells[1]!];
    const mib = Number(cells[cells.length - 1]);
    gpus.push({
      id: /^GPU-/i.test(uuid) ? uuid : index,
      index,
      name: cells.slice(2, -1).join(","),
      ...(Number.isFinite(mib) && mib > 0 ? { memoryBytes: mib * 1024 ** 2 } : {}),
    });
  }
  return gpus;
}

/** The GPUs `nvidia-smi` lists on this host; empty when it is absent or fails. */
export function detectGpus(timeoutMs = 5000): Promise<InventoryGpu[]> {
  return new Promise((resolve) => {
    execFile("nvidia-smi", NVIDIA_SMI_QUERY, { timeout: timeoutMs }, (err, stdout) => {
      resolve(err ? [] : parseGpuInventory(String(stdout)));
    });
  });
}

/**
 * The GPU ids to hand out (`configured`, else every GPU of the inventory) and
 * what the inventory says of each (an id given as an index or a UUID).
 */
export function gpuCapacity(inventory: readonly InventoryGpu[], configured?: readonly string[]): { gpuIds: string[]; gpuModels?: Record<string, GpuDescription> } {
  const gpuIds = [...(configured ?? inventory.map((g) => g.id))];
  const gpuModels: Record<string, GpuDescription> = {};
  for (const id of gpuIds) {
    const g = inventory.find((x) => x.id === id || x.index === id);
    if (g) gpuModels[id] = { name: g.name, ...(g.memoryBytes !== undefined ? { memoryBytes: g.memoryBytes } : {}) };
  }
  return Object.keys(gpuModels).length > 0 ? { gpuIds, gpuModels } : { gpuIds };
}

/** The engine's device request for exactly these GPUs. */
export function gpuDeviceRequest(ids: readonly string[]): { Driver: string; DeviceIDs: string[]; Capabilities: string[][] } {
  return { Driver: "", DeviceIDs: [...ids], Capabilities: [["gpu"]] };
}

/** True when an engine error says it has no way to give a container GPUs. */
export function isNoGpuRuntime(message: string): boolean {
  return /could not select device driver|unknown or invalid runtime name: nvidia|nvidia-container-cli/i.test(message);
}

/** The one-line explanation for an engine that cannot give containers GPUs. */
export function noGpuRuntimeMessage(url: string, ids: readonly string[], engineSays: string): string {
  return (
    `the Docker Engine at ${url} cannot give containers GPUs (asked for device ${ids.join(",")}; engine says: ${engineSays}): ` +
    `install the NVIDIA Container Toolkit on the engine's host (https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html), ` +
    `run "nvidia-ctk runtime configure --runtime=docker" and restart dockerd`
  );
}
