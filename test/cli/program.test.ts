/**
 * The front door, run as a user runs it (a child process through the real
 * CLI): `wdlrun FILE.wdl [INPUTS.json] [key=value…]` is `wdlrun run …`, a
 * first word that is neither a command nor a file is a usage error naming
 * the nearest command, `--version` names the WDL versions, `--help` shows
 * the bare form, and a run's first line names its backend.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");
/** The tsx loader by absolute URL, since the child runs in a temporary directory. */
const tsx = pathToFileURL(join(repo, "node_modules/tsx/dist/loader.mjs")).href;
let dir: string;

function wdlrun(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", tsx, join(repo, "src/cli/main.ts"), ...args], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "wdlrun-program-"));
  writeFileSync(
    join(dir, "greet.wdl"),
    ["version 1.2", "task greet {", "  input {", "    String name", "  }", '  command <<< echo "hi ~{name}" >>>', "  output {", "    String out = read_string(stdout())", "  }", "}", ""].join("\n"),
  );
  writeFileSync(join(dir, "inputs.json"), JSON.stringify({ "greet.name": "file" }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("wdlrun FILE.wdl (no command)", () => {
  it("runs the document like `wdlrun run`, with an inputs file and run options", () => {
    const r = wdlrun("greet.wdl", "inputs.json", "--backend", "local", "--out", "runs");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ "greet.out": "hi file" });
  });

  it("takes key=value inputs", () => {
    const r = wdlrun("greet.wdl", "name=kv", "--backend", "local", "--out", "runs");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ "greet.out": "hi kv" });
  });

  it("starts its progress with the backend it uses", () => {
    const r = wdlrun("greet.wdl", "name=kv", "--backend", "local", "--out", "runs");
    expect(r.stderr.split("\n")[0]).toBe("wdlrun: backend local, tasks as processes on this machine");
  });

  it("gives the same errors as `wdlrun run` for a document with errors", () => {
    writeFileSync(join(dir, "broken.wdl"), ["version 1.2", "workflow w {", "  Int x = nope", "}", ""].join("\n"));
    const bare = wdlrun("broken.wdl", "--backend", "local", "--out", "runs");
    const named = wdlrun("run", "broken.wdl", "--backend", "local", "--out", "runs");
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe(named.stderr);
  });
});

describe("a first word that is neither a command nor a file", () => {
  it("is a usage error naming the nearest command", () => {
    const r = wdlrun("chek", "greet.wdl");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("wdlrun: no such command or file: chek (the nearest command is `check`;");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names the nearest command for a missing document too", () => {
    const r = wdlrun("inptus");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no such command or file: inptus (the nearest command is `inputs`;");
    const missing = wdlrun("missing.wdl", "inputs.json");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such command or file: missing.wdl");
  });
});

describe("wdlrun --version and --help", () => {
  it("--version prints wdlrun's version and the WDL versions it reads", () => {
    const r = wdlrun("--version");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("wdlrun 0.1.0\nWDL versions: 1.0, 1.1, 1.2, 1.3 ('version development' reads as 1.2)\n");
  });

  it("--help shows the bare form first", () => {
    const r = wdlrun("--help");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("Usage: wdlrun FILE.wdl [INPUTS.json] [key=value…] [run options]   (the same as: wdlrun run FILE.wdl …)");
    expect(r.stdout).toContain("wdlrun workflow.wdl inputs.json");
  });
});
