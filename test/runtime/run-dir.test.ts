import { lstat, mkdtemp, readFile, readlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attemptPaths, callDirName, callIdOf, indexWidth, RunDir, safeSegment, timestampName } from "../../src/runtime/run-dir.js";
import { hostPath } from "../../src/backends/backend.js";

describe("run directory naming", () => {
  it("names calls readably, with zero-padded scatter indexes", () => {
    expect(callDirName("align", [])).toBe("call-align");
    expect(callDirName("align", [{ index: 7, count: 10 }])).toBe("call-align-0007");
    expect(callDirName("align", [{ index: 7, count: 10 }, { index: 2, count: 3 }])).toBe("call-align-0007-0002");
    expect(callDirName("align", [{ index: 12345, count: 20000 }])).toBe("call-align-12345");
    expect(callDirName("align", [{ index: 3, count: 20000 }])).toBe("call-align-00003");
    expect(indexWidth(10_000)).toBe(4);
    expect(indexWidth(10_001)).toBe(5);
    expect(callIdOf(["call-sub-0001", "call-align-0007"])).toBe("call-sub-0001.call-align-0007");
  });
  it("keeps names safe as path segments", () => {
    expect(safeSegment("a/b c")).toBe("a_b_c");
    expect(safeSegment("..")).toBe("_");
  });
  it("lays attempts out as attempt-N/{command,stdout,stderr,work}", () => {
    const p = attemptPaths(hostPath("/runs/r/call-x"), 2);
    expect(p).toMatchObject({
      dir: "/runs/r/call-x/attempt-2",
      workDir: "/runs/r/call-x/attempt-2/work",
      commandFile: "/runs/r/call-x/attempt-2/command",
      stdoutFile: "/runs/r/call-x/attempt-2/stdout",
      stderrFile: "/runs/r/call-x/attempt-2/stderr",
    });
  });
  it("timestamps in local time, sortable", () => {
    expect(timestampName(new Date(2025, 0, 27, 10, 15, 3))).toBe("20250127_101503");
  });
});

describe("RunDir", () => {
  it("creates <out>/<timestamp>_<target>, suffixes clashes and points latest at the newest", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "wdlrun-rundir-"));
    const now = new Date(2025, 0, 27, 10, 15, 3);
    const a = await RunDir.create(out, "wf", now);
    const b = await RunDir.create(out, "wf", now);
    expect(path.basename(a.dir)).toBe("20250127_101503_wf");
    expect(path.basename(b.dir)).toBe("20250127_101503_wf-2");
    expect((await lstat(path.join(out, "latest"))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(out, "latest"))).toBe("20250127_101503_wf-2");
    await b.writeInputs({ "wf.n": 10n ** 18n });
    expect(await readFile(path.join(b.dir, "inputs.json"), "utf8")).toContain("1000000000000000000");
    b.log("hello");
    b.log("world\n");
    await b.close();
    expect(await readFile(path.join(b.dir, "log"), "utf8")).toBe("hello\nworld\n");
  });
  it("creates missing parents of <out>, and fails (never hangs) where a directory cannot be made", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "wdlrun-rundir-"));
    const deep = path.join(out, "a", "b");
    const run = await RunDir.create(deep, "wf");
    expect(path.dirname(run.dir)).toBe(deep);
    await run.close();
    // Node's recursive mkdir retries /proc/x forever; RunDir.create must reject.
    await expect(RunDir.create("/proc/wdlrun-no-such-dir/x", "wf")).rejects.toMatchObject({ code: "ENOENT" });
  });
});
