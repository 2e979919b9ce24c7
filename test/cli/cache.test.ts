/**
 * The call cache end to end through `wdlrun run --cache` on the local
 * backend and `wdlrun cache`: a second run reuses every call and its run
 * directory stands alone (the first run can be deleted); a changed scatter
 * element reruns only itself and what depends on it; reformatting is a hit
 * and a command change a miss that `cache explain` names; a changed cached
 * file is a miss; volatile tasks and `cache: false` never are cached; two
 * identical runs at once both succeed; `cache` lists and removes entries.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm, writeFile, appendFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheExplainCommand, cacheListCommand, cacheRemoveCommand, parseAge } from "../../src/cli/cache.js";
import { runCommand } from "../../src/cli/run.js";

async function tmp(): Promise<string> {
  return realpath(await mkdtemp(path.join(os.tmpdir(), "wdlrun-cache-cli-")));
}

/** A folder with a config that puts the cache in it, and a document. */
async function setup(wdl: string) {
  const dir = await tmp();
  const config = path.join(dir, "wdlrun.toml");
  await writeFile(config, `[cache]\ndir = "${path.join(dir, "cache")}"\n`);
  const file = path.join(dir, "main.wdl");
  await writeFile(file, wdl);
  const run = async (args: string[], cache = true) => {
    let stdout = "";
    let stderr = "";
    const code = await runCommand(file, args, { backend: "local", out: path.join(dir, "runs"), config, cache }, {
      stdout: { write: (t: string) => void (stdout += t) },
      stderr: { write: (t: string) => void (stderr += t), isTTY: false },
    });
    const runDir = /run directory: (\S+)/.exec(stderr)?.[1] ?? "";
    const cached = [...stderr.matchAll(/\] (\S+): cached \(result of /g)].map((m) => m[1]!).sort();
    return { code, stderr, runDir, cached, outputs: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : {} };
  };
  const cacheCmd = { dir: path.join(dir, "cache") };
  return { dir, file, config, run, cacheCmd };
}

const SCATTER = `version 1.1
task square {
  input { Int x  File f }
  command <<<
    echo $(( ~{x} * ~{x} )) > y.txt
    cat ~{f} y.txt > out.txt
  >>>
  output { File out = "out.txt"  Int y = read_int("y.txt") }
}
task total {
  input { Array[File] fs }
  command <<< cat ~{sep=" " fs} | wc -l >>>
  output { Int n = read_int(stdout()) }
}
workflow w {
  input { Array[Int] xs  File f }
  scatter (x in xs) { call square { input: x = x, f = f } }
  call total { input: fs = square.out }
  output { Array[Int] ys = square.y  Int n = total.n  Array[File] outs = square.out }
}
`;

describe("wdlrun run --cache (local backend)", () => {
  it("reuses every call on a second run; each run directory stands alone", async () => {
    const s = await setup(SCATTER);
    await writeFile(path.join(s.dir, "f.txt"), "header\n");
    const args = ["xs=[1,2,3]", `f=${path.join(s.dir, "f.txt")}`];
    const first = await s.run(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.cached).toEqual([]);
    expect(first.stderr).toMatch(/call cache: 0 calls reused, 4 missed \(4 stored\)/);

    const second = await s.run(args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.cached).toEqual(["call-square-0000", "call-square-0001", "call-square-0002", "call-total"]);
    expect(second.stderr).toMatch(/call cache: 4 calls reused, 0 missed/);
    expect(second.outputs["w.ys"]).toEqual([1, 4, 9]);
    expect(second.outputs["w.n"]).toBe(6);
    const outs = second.outputs["w.outs"] as string[];
    expect(outs.every((f) => f.startsWith(second.runDir + "/"))).toBe(true);
    const rec = JSON.parse(await readFile(path.join(second.runDir, "call-square-0001", "attempt-1", "cache.json"), "utf8"));
    expect(rec).toMatchObject({ result: "hit", origin: path.join(first.runDir, "call-square-0001", "attempt-1") });
    expect(await readFile(path.join(second.runDir, "log"), "utf8")).toMatch(/call-total: cached \(result of .*call-total\/attempt-1\)/);

    // Deleting the first run breaks neither the second run's files nor the cache.
    await rm(first.runDir, { recursive: true });
    expect(readFileSync(outs[2]!, "utf8")).toBe("header\n9\n");
    expect(existsSync(path.join(second.runDir, "call-total", "attempt-1", "stdout"))).toBe(true);
    const third = await s.run(args);
    expect(third.cached).toHaveLength(4);
    expect(readFileSync((third.outputs["w.outs"] as string[])[0]!, "utf8")).toBe("header\n1\n");
  });

  it("reruns only the changed element and what depends on it; explain names the input", async () => {
    const s = await setup(SCATTER);
    await writeFile(path.join(s.dir, "f.txt"), "h\n");
    const f = `f=${path.join(s.dir, "f.txt")}`;
    expect((await s.run(["xs=[1,2,3]", f])).code).toBe(0);
    const changed = await s.run(["xs=[1,5,3]", f]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.cached).toEqual(["call-square-0000", "call-square-0002"]);
    expect(changed.outputs["w.ys"]).toEqual([1, 25, 9]);

    const lines: string[] = [];
    expect(await cacheExplainCommand(changed.runDir, "square-0001", s.cacheCmd, (l) => lines.push(l))).toBe(0);
    expect(lines.join("\n")).toMatch(/call-square-0001: miss/);
    expect(lines.join("\n")).toMatch(/input x: 2 → 5/);
    const total: string[] = [];
    await cacheExplainCommand(changed.runDir, "call-total", s.cacheCmd, (l) => total.push(l));
    expect(total.join("\n")).toMatch(/input fs: out\.txt \(sha256:.*→ out\.txt/);
    const hit: string[] = [];
    await cacheExplainCommand(changed.runDir, "call-square-0000", s.cacheCmd, (l) => hit.push(l));
    expect(hit.join("\n")).toMatch(/^call-square-0000: hit: the result of /);
    const bad: string[] = [];
    expect(await cacheExplainCommand(changed.runDir, "nope", s.cacheCmd, (l) => bad.push(l))).toBe(2);
    expect(bad.join("\n")).toMatch(/has no call nope \(calls: call-square-0000, /);

    // The file's content is in the key: changing it reruns every square and the total.
    await writeFile(path.join(s.dir, "f.txt"), "other\n");
    expect((await s.run(["xs=[1,5,3]", f])).cached).toEqual([]);
  });

  it("counts a reformatted document as the same task and a changed command as another", async () => {
    const wdl = `version 1.1
task t {
  input { String s }
  command <<<
    echo ~{s}
  >>>
  output { String out = read_string(stdout()) }
}
`;
    const s = await setup(wdl);
    expect((await s.run(["t.s=a"])).code).toBe(0);
    await writeFile(s.file, `version 1.1\n# reformatted\ntask t {\n  meta { author: "x" }\n  input {\n    String s\n  }\n  command <<<\n      echo ~{s}\n  >>>\n  output {\n    String out = read_string(stdout())\n  }\n}\n`);
    const reformatted = await s.run(["t.s=a"]);
    expect(reformatted.cached).toEqual(["call-t"]);
    await writeFile(s.file, wdl.replace("echo ~{s}", "echo ~{s} ~{s}"));
    const changed = await s.run(["t.s=a"]);
    expect(changed.cached).toEqual([]);
    expect(changed.outputs["t.out"]).toBe("a a");
    const lines: string[] = [];
    await cacheExplainCommand(changed.runDir, "call-t", s.cacheCmd, (l) => lines.push(l));
    expect(lines.join("\n")).toMatch(/the task's definition changed/);
  });

  it("misses when a cached output file changed since (the entry is not trusted) and reruns the task", async () => {
    const s = await setup(`version 1.1
task t {
  command <<< echo fresh > out.txt >>>
  output { File out = "out.txt" }
}
`);
    const first = await s.run([]);
    const out = first.outputs["t.out"] as string;
    // The run's file is a hard link of the entry's: editing it in place changes the entry too.
    await appendFile(out, "tampered\n");
    const second = await s.run([]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.cached).toEqual([]);
    expect(readFileSync(second.outputs["t.out"] as string, "utf8")).toBe("fresh\n");
    const third = await s.run([]);
    expect(third.cached).toEqual(["call-t"]);
  });

  it("never caches a volatile task or one whose hints say cache: false, nor a failure", async () => {
    const s = await setup(`version 1.2
task vol {
  meta { volatile: true }
  command <<< date +%s%N >>>
  output { String t = read_string(stdout()) }
}
task off {
  command <<< date +%s%N >>>
  output { String t = read_string(stdout()) }
  hints { cache: false }
}
task on {
  input { Boolean fail = false }
  command <<< if ~{fail}; then exit 1; fi; echo on >>>
  output { String t = read_string(stdout()) }
}
workflow w {
  input { Boolean fail = false }
  call vol
  call off
  call on { input: fail = fail }
  output { String vol_t = vol.t }
}
`);
    const failed = await s.run(["fail=true"]);
    expect(failed.code).toBe(1);
    const first = await s.run([]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.cached).toEqual([]);
    const second = await s.run([]);
    expect(second.cached).toEqual(["call-on"]);
    expect(second.outputs["w.vol_t"]).toMatch(/^\d+$/);
    expect(second.outputs["w.vol_t"]).not.toBe(first.outputs["w.vol_t"]);
    expect(second.stderr).toMatch(/call cache: 1 call reused, 0 missed \(0 stored\), 2 not cacheable/);
    const lines: string[] = [];
    await cacheExplainCommand(second.runDir, "call-vol", s.cacheCmd, (l) => lines.push(l));
    await cacheExplainCommand(second.runDir, "call-off", s.cacheCmd, (l) => lines.push(l));
    expect(lines).toEqual([
      "call-vol: not cached: the task is volatile (meta { volatile: true })",
      "call-off: not cached: the task's hints say cache: false",
    ]);
  });

  it("two identical runs at once both succeed, and without --cache nothing is reused", async () => {
    const s = await setup(SCATTER);
    await writeFile(path.join(s.dir, "f.txt"), "h\n");
    const args = ["xs=[1,2,3,4]", `f=${path.join(s.dir, "f.txt")}`];
    const [a, b] = await Promise.all([s.run(args), s.run(args)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.outputs["w.ys"]).toEqual(a.outputs["w.ys"]);
    const off = await s.run(args, false);
    expect(off.cached).toEqual([]);
    expect(off.stderr).not.toMatch(/call cache/);
    expect((await s.run(args)).cached).toHaveLength(5);
  });

  it("wdlrun cache lists entries and removes them by age or all", async () => {
    const s = await setup(SCATTER);
    await writeFile(path.join(s.dir, "f.txt"), "h\n");
    await s.run(["xs=[1,2]", `f=${path.join(s.dir, "f.txt")}`]);
    const list: string[] = [];
    expect(await cacheListCommand(s.cacheCmd, (l) => list.push(l))).toBe(0);
    expect(list[0]).toMatch(/^KEY\s+AGE\s+SIZE\s+TASK\s+CALL\s+FROM$/);
    expect(list.filter((l) => / square {2}call-square-000[01] /.test(l))).toHaveLength(2);
    expect(list.at(-1)).toMatch(/^3 entries, \d+ B in /);
    const out: string[] = [];
    expect(await cacheRemoveCommand({ ...s.cacheCmd, olderThan: "1h" }, (l) => out.push(l))).toBe(0);
    expect(await cacheRemoveCommand({ ...s.cacheCmd, olderThan: "1h" }, (l) => out.push(l), Date.now() + 2 * 3600e3)).toBe(0);
    expect(await cacheRemoveCommand({ ...s.cacheCmd }, (l) => out.push(l))).toBe(2);
    expect(await cacheRemoveCommand({ ...s.cacheCmd, olderThan: "soon" }, (l) => out.push(l))).toBe(2);
    expect(out[0]).toMatch(/^removed 0 entries/);
    expect(out[1]).toMatch(/^removed 3 entries/);
    expect(out[2]).toMatch(/exactly one of --older-than AGE .* or --all/);
    await s.run(["xs=[1]", `f=${path.join(s.dir, "f.txt")}`]);
    expect(await cacheRemoveCommand({ ...s.cacheCmd, all: true }, (l) => out.push(l))).toBe(0);
    expect(out.at(-1)).toMatch(/^removed 2 entries/);
    expect(statSync(path.join(s.dir, "cache")).isDirectory()).toBe(true);
    expect(parseAge("7d")).toBe(7 * 86400e3);
  });
});
