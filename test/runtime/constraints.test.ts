import { describe, expect, it } from "vitest";
import { DEFAULT_CONSTRAINTS, resolveConstraints, type TaskAttributes } from "../../src/runtime/requirements/constraints.js";
import {
  containerCandidates,
  cpuCount,
  diskRequests,
  isSuccessCode,
  maxRetries,
  memoryBytes,
  returnCodes,
} from "../../src/runtime/requirements/keys.js";
import { RequirementError } from "../../src/runtime/requirements/read-value.js";
import { V, type WdlValue } from "../../src/values/value.js";

const GiB = 1024 ** 3;
const attrs = (req: Record<string, WdlValue> = {}, hints: Record<string, WdlValue> = {}, runtime: Record<string, WdlValue> = {}): TaskAttributes => ({
  requirements: new Map(Object.entries(req)),
  hints: new Map(Object.entries(hints)),
  runtime: new Map(Object.entries(runtime)),
});

describe("requirement keys", () => {
  it("container: a string, a list, '*', docker:// and unsupported protocols", () => {
    expect(containerCandidates("container", V.string("ubuntu:latest"))).toEqual(["ubuntu:latest"]);
    expect(containerCandidates("container", V.string("*"))).toEqual([]);
    expect(containerCandidates("container", V.array([V.string("ubuntu:latest"), V.string("https://gcr.io/x/ubuntu:latest")]))).toEqual(["ubuntu:latest"]);
    expect(containerCandidates("container", V.string("docker://ubuntu:focal"))).toEqual(["ubuntu:focal"]);
    expect(() => containerCandidates("container", V.string("https://gcr.io/x"))).toThrow(RequirementError);
    expect(() => containerCandidates("container", V.int(3))).toThrow(/container: expected a String/);
  });
  it("cpu: Int or Float, positive", () => {
    expect(cpuCount("cpu", V.int(2))).toBe(2);
    expect(cpuCount("cpu", V.float(0.5))).toBe(0.5);
    expect(() => cpuCount("cpu", V.int(0))).toThrow(/greater than 0/);
    expect(() => cpuCount("cpu", V.string("two"))).toThrow(/expected an Int or Float/);
  });
  it("memory: Int bytes or a String with units", () => {
    expect(memoryBytes("memory", V.int(1024))).toBe(1024);
    expect(memoryBytes("memory", V.string("2 GiB"))).toBe(2 * GiB);
    expect(memoryBytes("memory", V.string("512 MB"))).toBe(512e6);
    expect(() => memoryBytes("memory", V.string("much"))).toThrow(/memory: "much" is not a size/);
  });
  it("disks: Int GiB, specs with and without mount points and units, arrays", () => {
    expect(diskRequests("disks", V.int(10))).toEqual([{ mountPoint: "/", sizeBytes: 10 * GiB }]);
    expect(diskRequests("disks", V.string("10"))).toEqual([{ mountPoint: "/", sizeBytes: 10 * GiB }]);
    expect(diskRequests("disks", V.string("/mnt/outputs 10 GiB"))).toEqual([{ mountPoint: "/mnt/outputs", sizeBytes: 10 * GiB }]);
    expect(diskRequests("disks", V.string("local-disk 100 HDD"))).toEqual([{ mountPoint: "/", sizeBytes: 100 * GiB }]);
    expect(diskRequests("disks", V.array([V.string("2"), V.string("/mnt/outputs 4 GiB"), V.string("/mnt/tmp 1 GiB")]))).toEqual([
      { mountPoint: "/", sizeBytes: 2 * GiB },
      { mountPoint: "/mnt/outputs", sizeBytes: 4 * GiB },
      { mountPoint: "/mnt/tmp", sizeBytes: GiB },
    ]);
    expect(() => diskRequests("disks", V.array([V.string("2"), V.string("3")]))).toThrow(/only one disk may omit/);
    expect(() => diskRequests("disks", V.string("/mnt big"))).toThrow(/not a disk specification/);
  });
  it("max_retries and return_codes", () => {
    expect(maxRetries("max_retries", V.int(3))).toBe(3);
    expect(() => maxRetries("max_retries", V.int(-1))).toThrow(/negative/);
    const any = returnCodes("return_codes", V.string("*"));
    expect(isSuccessCode(any, 42)).toBe(true);
    const one = returnCodes("return_codes", V.int(1));
    expect(isSuccessCode(one, 1)).toBe(true);
    expect(isSuccessCode(one, 0)).toBe(false);
    const list = returnCodes("return_codes", V.array([V.int(1), V.int(2), V.int(5)]));
    expect(isSuccessCode(list, 5)).toBe(true);
    expect(isSuccessCode(list, 42)).toBe(false);
  });
});

describe("resolveConstraints", () => {
  it("applies the spec's defaults", () => {
    expect(resolveConstraints(attrs())).toEqual({ ...DEFAULT_CONSTRAINTS, cpuDefaulted: true, memoryDefaulted: true });
    expect(resolveConstraints(attrs({ cpu: V.int(2), memory: V.string("1 GiB") }))).not.toHaveProperty("cpuDefaulted");
    expect(DEFAULT_CONSTRAINTS.memoryBytes).toBe(2 * GiB);
    expect(DEFAULT_CONSTRAINTS.cpu).toBe(1);
  });
  it("reads aliases (docker, maxRetries, returnCodes, maxCpu, maxMemory)", () => {
    const c = resolveConstraints(
      attrs({ docker: V.string("ubuntu:focal"), maxRetries: V.int(2), returnCodes: V.string("*") }, { maxCpu: V.int(4), maxMemory: V.string("8 GiB") }),
    );
    expect(c.containers).toEqual(["ubuntu:focal"]);
    expect(c.maxRetries).toBe(2);
    expect(c.returnCodes).toEqual({ kind: "any" });
    expect(c.maxCpu).toBe(4);
    expect(c.maxMemoryBytes).toBe(8 * GiB);
  });
  it("reads wdlrun's shm_size hint as a size, like memory", () => {
    expect(resolveConstraints(attrs({}, { shm_size: V.string("8 GiB") })).shmSizeBytes).toBe(8 * GiB);
    expect(resolveConstraints(attrs({}, { shm_size: V.int(1024) })).shmSizeBytes).toBe(1024);
    expect(resolveConstraints(attrs())).not.toHaveProperty("shmSizeBytes");
    expect(() => resolveConstraints(attrs({}, { shm_size: V.string("lots") }))).toThrow(/hints\.shm_size.*"lots" is not a size/);
  });
  it("reads wdlrun's nodes hint: an Int of at least 1, 1 when absent", () => {
    expect(resolveConstraints(attrs({}, { nodes: V.int(3) })).nodes).toBe(3);
    expect(resolveConstraints(attrs()).nodes).toBe(1);
    expect(resolveConstraints(attrs({}, {}, { nodes: V.int(2) })).nodes).toBe(2);
    expect(() => resolveConstraints(attrs({}, { nodes: V.int(0) }))).toThrow(/^hints\.nodes: must be an Int of at least 1 \(the number of ranks\), got 0$/);
    expect(() => resolveConstraints(attrs({}, { nodes: V.string("two") }))).toThrow(/^hints\.nodes: expected an Int, got "two"$/);
    expect(() => resolveConstraints(attrs({}, { nodes: V.float(1.5) }))).toThrow(/hints\.nodes: expected an Int/);
  });
  it("reads a GPU model from a String gpu hint (one GPU of that model)", () => {
    const c = resolveConstraints(attrs({ gpu: V.bool(true) }, { gpu: V.string("A100-80GB") }));
    expect(c.gpuCount).toBe(1);
    expect(c.gpuModel).toEqual({ text: "A100-80GB", words: ["A100"], memoryBytes: 80e9 });
    expect(resolveConstraints(attrs({ gpu: V.bool(true) }, { gpu: V.string("2") }))).not.toHaveProperty("gpuModel");
    expect(resolveConstraints(attrs({ gpu: V.bool(false) }, { gpu: V.string("H100") }))).not.toHaveProperty("gpuModel");
    expect(() => resolveConstraints(attrs({ gpu: V.bool(true) }, { gpu: V.string(" ") }))).toThrow(/hints\.gpu.*neither a GPU count nor a model/);
  });
  it("gpu: true asks for one GPU, or the gpu hint's count", () => {
    expect(resolveConstraints(attrs({ gpu: V.bool(true) })).gpuCount).toBe(1);
    expect(resolveConstraints(attrs({ gpu: V.bool(true) }, { gpu: V.int(2) })).gpuCount).toBe(2);
    expect(resolveConstraints(attrs({ gpu: V.bool(false) }, { gpu: V.int(2) })).gpuCount).toBe(0);
  });
  it("reads a runtime section like requirements", () => {
    const c = resolveConstraints(attrs({}, {}, { docker: V.string("ubuntu"), memory: V.string("1 GB"), cpu: V.int(2), gpu: V.bool(true) }));
    expect(c).toMatchObject({ containers: ["ubuntu"], memoryBytes: 1e9, cpu: 2, gpuCount: 1 });
  });
  it("lets overrides from the inputs supersede the document", () => {
    const c = resolveConstraints(attrs({ memory: V.string("1 GiB"), cpu: V.int(1) }), attrs({ memory: V.string("16 GB") }, { max_cpu: V.int(3) }));
    expect(c.memoryBytes).toBe(16e9);
    expect(c.cpu).toBe(1);
    expect(c.maxCpu).toBe(3);
  });
  it("names the attribute in errors", () => {
    expect(() => resolveConstraints(attrs({ cpu: V.string("x") }))).toThrow(/requirements\.cpu: expected an Int or Float/);
  });
});
