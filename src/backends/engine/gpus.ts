/**
 * GPUs for containers: finding the host's GPU ids (`nvidia-smi -L`), the
 * engine's device request for the ids an attempt was granted, and the one
 * clear error when the engine cannot give containers GPUs.
 */
import { execFile } from "node:child_process";

/** Parses `nvidia-smi -L` output into GPU ids: the UUID when printed, else the index. */
export function parseNvidiaSmiList(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^GPU\s+(\d+):.*?(?:\(UUID:\s*([^)\s]+)\s*\))?\s*$/.exec(line.trim());
    if (m) ids.push(m[2] ?? m[1]!);
  }
  return ids;
}

/** The GPU ids `nvidia-smi -L` lists on this host; empty when it is absent or fails. */
export function detectGpuIds(timeoutMs = 5000): Promise<string[]> {
  return new Promise((resolve) => {
    execFile("nvidia-smi", ["-L"], { timeout: timeoutMs }, (err, stdout) => {
      resolve(err ? [] : parseNvidiaSmiList(String(stdout)));
    });
  });
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
