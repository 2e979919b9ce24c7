/** `wdlrun check` and `wdlrun inputs`, run as a user runs them: a child process, exit codes, output format. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
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

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "wdlrun-check-"));
  write("good.wdl", ["version 1.2", "task hello {", "  input {", "    String who", "  }", "  command <<< echo hi ~{who} >>>", "  output {", "    String out = read_string(stdout())", "  }", "}", ""].join("\n"));
  write("bad.wdl", ["version 1.2", "", "workflow w {", "  Int x = y + 1", '  String s = "a" - 1', "}", ""].join("\n"));
  write("warn.wdl", ["version 1.2", "task t {", "  input {", "    Int unused", "  }", "  command <<< >>>", "}", ""].join("\n"));
  write("lib/lib.wdl", ["version 1.2", "task t {", "  command <<< >>>", "  output {", "    Int n = nope", "  }", "}", ""].join("\n"));
  write("uses-lib.wdl", ["version 1.2", 'import "lib/lib.wdl"', "workflow w {", "  call lib.t", "  Int m = t.missing", "}", ""].join("\n"));
  write(
    "wf.wdl",
    [
      "version 1.2",
      'import "good.wdl" as g',
      "workflow main {",
      "  input {",
      "    File reads",
      '    String label = "x"',
      "    Int? limit",
      "  }",
      "  call g.hello { who = label }",
      "  output {",
      "    String out = hello.out",
      "    File r = reads",
      "    Int? l = limit",
      "  }",
      "}",
      "",
    ].join("\n"),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("wdlrun check", () => {
  it("exits 0 and says so for a clean document", () => {
    const r = wdlrun("check", "good.wdl");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no problems found");
  });

  it("exits 1 and prints each error with location, code frame, caret and help", () => {
    const r = wdlrun("check", "bad.wdl");
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n");
    const i = lines.indexOf("bad.wdl:4:11: error: unknown name `y` [unknown-name]");
    expect(i, r.stderr).toBeGreaterThanOrEqual(0);
    expect(lines[i + 1]).toBe("  |");
    expect(lines[i + 2]).toBe("4 |   Int x = y + 1");
    expect(lines[i + 3]).toBe("  |           ^");
    expect(r.stderr).toContain("bad.wdl:5:14: error: operator `-` cannot be applied to `String` and `Int` [operator-type]");
    expect(r.stderr).toContain("5 |   String s = \"a\" - 1\n  |              ^^^^^^^");
    expect(r.stderr.indexOf("bad.wdl:4:11")).toBeLessThan(r.stderr.indexOf("bad.wdl:5:14"));
    expect(r.stderr.trimEnd().endsWith("2 errors")).toBe(true);
  });

  it("exits 0 with warnings, and prints them", () => {
    const r = wdlrun("check", "warn.wdl");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warn.wdl:4:9: warning: input `unused` is never used [unused-input]");
    expect(r.stderr).toContain("help: ");
    expect(r.stderr.trimEnd().endsWith("1 warning")).toBe(true);
    expect(wdlrun("check", "--no-warnings", "warn.wdl").stderr).not.toContain("warning:");
  });

  it("reports errors of imported documents, sorted by file then position", () => {
    const r = wdlrun("check", "uses-lib.wdl", "bad.wdl");
    expect(r.code).toBe(1);
    const order = ["bad.wdl:4:11", "bad.wdl:5:14", "lib/lib.wdl:5:13", "uses-lib.wdl:5:13"].map((s) => r.stderr.indexOf(s));
    expect(order.every((p) => p >= 0), r.stderr).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("prints diagnostics as JSON with --json", () => {
    const r = wdlrun("check", "--json", "bad.wdl");
    expect(r.code).toBe(1);
    const list = JSON.parse(r.stdout) as { code: string; span: { start: { line: number } } }[];
    expect(list.map((d) => [d.code, d.span.start.line])).toEqual([
      ["unknown-name", 4],
      ["operator-type", 5],
    ]);
  });

  it("exits 1 naming a file that cannot be read", () => {
    const r = wdlrun("check", "nope.wdl");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: cannot read `.*nope\.wdl`: no such file \[read-error\]/);
  });

  it("refuses a document that is not a regular file (a named pipe, a device) instead of blocking on it", () => {
    write("specials/main.wdl", 'version 1.1\nimport "pipe.wdl" as p\nimport "/dev/zero" as z\nworkflow w {}\n');
    execFileSync("mkfifo", [join(dir, "specials", "pipe.wdl")]);
    const r = wdlrun("check", "specials/main.wdl");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*pipe\.wdl.*: it is a named pipe, not a regular file/);
    expect(r.stderr).toMatch(/cannot read .*\/dev\/zero.*: it is a device, not a regular file/);
  });

  it("exits 2 without files", () => {
    const r = wdlrun("check");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument");
  });
});

describe("wdlrun inputs", () => {
  it("prints the workflow's inputs, required first, with fully qualified keys", () => {
    const r = wdlrun("inputs", "wf.wdl");
    expect(r.code, r.stderr).toBe(0);
    const template = JSON.parse(r.stdout) as Record<string, string>;
    expect(Object.entries(template)).toEqual([
      ["main.reads", "File"],
      ["main.label", 'String (default: "x")'],
      ["main.limit", "Int? (optional)"],
    ]);
  });

  it("shows an enum input with its choices (1.3)", () => {
    write("enum.wdl", ["version 1.3", "enum Color { Red, Green }", "task paint {", "  input {", "    Color c", "  }", "  command <<< echo ~{c} >>>", "}", ""].join("\n"));
    const r = wdlrun("inputs", "enum.wdl");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ "paint.c": 'Color (one of "Red", "Green")' });
  });

  it("shows the choices of enums inside an input's type (1.3)", () => {
    write(
      "enum-deep.wdl",
      [
        "version 1.3",
        "enum Color { Red, Green }",
        "enum Size { S, L }",
        "struct Job {",
        "  Color color",
        "  Size size",
        "}",
        "task paint {",
        "  input {",
        "    Map[String, Color] by_name",
        "    Array[Job]? jobs",
        "  }",
        "  command <<< >>>",
        "}",
        "",
      ].join("\n"),
    );
    const r = wdlrun("inputs", "enum-deep.wdl");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      "paint.by_name": 'Map[String, Color] (one of "Red", "Green")',
      "paint.jobs": 'Array[Job]? (Color: one of "Red", "Green"; Size: one of "S", "L") (optional)',
    });
  });

  it("check suggests the nearest choice of a misspelt enum choice (1.3)", () => {
    write("enum-typo.wdl", ["version 1.3", "enum Color { Red, Green }", "workflow w {", "  Color c = Color.Gren", "}", ""].join("\n"));
    const r = wdlrun("check", "enum-typo.wdl");
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain("enum-typo.wdl:4:19: error: enum `Color` has no choice `Gren`");
    expect(r.stdout + r.stderr).toContain("help: did you mean `Green`?");
  });

  it("prints a task's inputs with --task", () => {
    const r = wdlrun("inputs", "good.wdl", "--task", "hello");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ "hello.who": "String" });
  });

  it("exits 1 with the errors when the document is invalid", () => {
    const r = wdlrun("inputs", "bad.wdl");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("bad.wdl:4:11: error:");
  });

  it("exits 1 for an unknown task", () => {
    const r = wdlrun("inputs", "good.wdl", "--task", "nope");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no task named "nope"');
  });
});

describe("wdlrun check DIR (a repository in one call)", () => {
  beforeAll(() => {
    write("repo/common/lib.wdl", ["version 1.2", "task t {", "  input {", "    Int unused", "  }", "  command <<< >>>", "  output {", "    Int n = nope", "  }", "}", ""].join("\n"));
    write("repo/a.wdl", ["version 1.2", 'import "common/lib.wdl"', "workflow a {", "  call lib.t { unused = 1 }", "}", ""].join("\n"));
    write("repo/sub/b.wdl", ["version 1.2", 'import "../common/lib.wdl"', "workflow b {", "  call lib.t { unused = 2 }", "  Int m = t.missing", "}", ""].join("\n"));
    write("repo/sub/clean.wdl", ["version 1.2", "task ok {", "  command <<< echo ok >>>", "}", ""].join("\n"));
    write("repo/notes.txt", "not WDL");
    write("repo/.hidden/skip.wdl", "this is not parsed");
  });

  it("checks every .wdl below, each imported document once, each diagnostic under its own file", () => {
    const r = wdlrun("check", "repo");
    expect(r.code).toBe(1);
    // lib.wdl's error is reported once though two documents import it.
    expect(r.stderr.split("repo/common/lib.wdl:8:13: error: unknown name `nope`").length).toBe(2);
    expect(r.stderr).toContain("repo/sub/b.wdl:5:13: error:");
    expect(r.stderr).not.toContain("skip.wdl");
  });

  it("--summary prints errors and warnings per file and a total", () => {
    const r = wdlrun("check", "--summary", "repo");
    expect(r.code).toBe(1);
    const rows = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([
      ["errors", "warnings", "file"],
      ["0", "0", "repo/a.wdl"],
      ["1", "1", "repo/common/lib.wdl"],
      ["1", "0", "repo/sub/b.wdl"],
      ["0", "0", "repo/sub/clean.wdl"],
      ["2", "1", "total", "(4", "files)"],
    ]);
  });

  it("--summary --json gives the same per file, and --json names each diagnostic's file", () => {
    const s = wdlrun("check", "--summary", "--json", "repo/sub", "repo/a.wdl");
    expect(s.code).toBe(1);
    expect(JSON.parse(s.stdout)).toEqual({
      files: [
        { file: "repo/a.wdl", errors: 0, warnings: 0 },
        { file: "repo/common/lib.wdl", errors: 1, warnings: 1 },
        { file: "repo/sub/b.wdl", errors: 1, warnings: 0 },
        { file: "repo/sub/clean.wdl", errors: 0, warnings: 0 },
      ],
      total: { files: 4, errors: 2, warnings: 1 },
    });
    const j = wdlrun("check", "--json", "repo");
    const list = JSON.parse(j.stdout) as { file: string; code: string }[];
    expect(list.map((d) => [d.file, d.code])).toEqual([
      ["repo/common/lib.wdl", "unused-input"],
      ["repo/common/lib.wdl", "unknown-name"],
      ["repo/sub/b.wdl", "unknown-member"],
    ]);
  });

  it("puts an unreadable file in the summary, and exits 2 for a directory without .wdl files", () => {
    const r = wdlrun("check", "--summary", "repo/sub/clean.wdl", "nope.wdl");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/1\s+0\s+nope\.wdl/);
    write("empty/readme.txt", "");
    const e = wdlrun("check", "empty");
    expect(e.code).toBe(2);
    expect(e.stderr).toContain("no .wdl files below empty");
  });
});
