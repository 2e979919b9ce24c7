/**
 * ELK off the main thread and from its code cache, through the built CLI
 * (bin/wdlrun.js, as users run it): a run's report is laid out in the
 * worker thread (dist/bundle/elk-thread.js), the first run stores ELK's V8
 * code cache under $XDG_CACHE_HOME/wdlrun/code, a later run lays out from it,
 * and a cache V8 rejects (garbage, another V8) is passed over and rewritten;
 * a graph laid out before comes from the layout cache
 * ($XDG_CACHE_HOME/wdlrun/layouts), without loading ELK at all.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "bin", "wdlrun.js");
const built = existsSync(path.join(root, "dist", "bundle", "elk-thread.js"));

const WDL = `version 1.1
task hello { input { String who } command <<< echo "hello ~{who}" >>> output { String out = read_string(stdout()) } }
workflow w { input { String who = "x" } call hello { input: who = who } output { String out = hello.out } }
`;

/** Runs the document with the local backend, caches under `cache`; the run's stored layout. */
function run(dir: string, cache: string): { width: number; nodes: { id: string }[] } {
  const r = spawnSync(process.execPath, [bin, "run", path.join(dir, "w.wdl"), "--backend", "local", "--out", path.join(dir, "runs")], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, XDG_CACHE_HOME: cache },
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const record = JSON.parse(readFileSync(path.join(dir, "runs", "latest", "run.json"), "utf8")) as { graph: { layout: { width: number; nodes: { id: string }[] } } };
  return record.graph.layout;
}

describe.skipIf(!built)("ELK in its worker thread, from a code cache; layouts from the layout cache", () => {
  it("lays a run's report out, stores the code cache and the layout, takes the layout from its cache, and uses or rewrites the code cache", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wdlrun-elk-"));
    const cache = path.join(dir, "cache");
    writeFileSync(path.join(dir, "w.wdl"), WDL);
    const first = run(dir, cache);
    expect(first.width).toBeGreaterThan(0);
    expect(first.nodes.map((n) => n.id).length).toBe(3); // the input, the call, the output
    const code = path.join(cache, "wdlrun", "code");
    const files = readdirSync(code);
    expect(files).toEqual([expect.stringMatching(/^elk-[\d.]+-nodev[\d.]+\.v8$/)]);
    const cacheFile = path.join(code, files[0]!);
    const stored = statSync(cacheFile);
    expect(stored.size).toBeGreaterThan(100_000);

    const layouts = path.join(cache, "wdlrun", "layouts");
    expect(readdirSync(layouts)).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);

    // The layout from the layout cache: ELK is not even loaded (a garbage code cache stays as it is).
    writeFileSync(cacheFile, "not a code cache");
    expect(run(dir, cache)).toEqual(first);
    expect(readFileSync(cacheFile, "utf8")).toBe("not a code cache");

    // Without it, ELK lays the graph out again: a rejected code cache is passed over and rewritten…
    rmSync(layouts, { recursive: true });
    expect(run(dir, cache)).toEqual(first);
    const rewritten = statSync(cacheFile);
    expect(rewritten.size).toBeGreaterThan(100_000);
    // … and a good one used, not written again.
    rmSync(layouts, { recursive: true });
    expect(run(dir, cache)).toEqual(first);
    expect(statSync(cacheFile).mtimeMs).toBe(rewritten.mtimeMs);
  }, 120_000);
});
