/**
 * Deep nesting is a located diagnostic and exit 2, never an internal error or
 * a stack overflow: hundreds of nested parentheses, array or object literals
 * or strings, a 1,500-term `+` chain (a tree that deep after parsing), and an
 * inputs file nested 20,000 deep; a document just inside the limit still runs.
 */
import { mkdtemp, realpath, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/run.js";
import { ExitCode } from "../../src/cli/program.js";
import { MAX_NESTING } from "../../src/syntax/nesting.js";

async function run(wdl: string, inputs?: string) {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "wdlrun-deep-")));
  const file = path.join(dir, "main.wdl");
  await writeFile(file, wdl);
  const args: string[] = [];
  if (inputs !== undefined) {
    await writeFile(path.join(dir, "in.json"), inputs);
    args.push(path.join(dir, "in.json"));
  }
  let stdout = "";
  let stderr = "";
  const code = await runCommand(file, args, { backend: "local", out: path.join(dir, "runs") }, {
    stdout: { write: (t: string) => void (stdout += t) },
    stderr: { write: (t: string) => void (stderr += t), isTTY: false },
  });
  return { code, stdout, stderr, file };
}

const output = (type: string, expr: string) => `version 1.1\nworkflow w {\n  output { ${type} x = ${expr} }\n}\n`;

describe("deep nesting", () => {
  const cases: [string, string, string][] = [
    ["500 nested parentheses", "Int", "(".repeat(500) + "1" + ")".repeat(500)],
    ["500 nested array literals", "Array[Int]", "[".repeat(500) + "]".repeat(500)],
    ["400 nested object literals", "Object", "object { a: ".repeat(400) + "1" + " }".repeat(400)],
    ["a 1,500-term + chain", "Int", Array(1500).fill("1").join(" + ")],
    ["300 strings nested through placeholders", "String", '"~{'.repeat(300) + '"x"' + '}"'.repeat(300)],
  ];
  for (const [what, type, expr] of cases) {
    it(`${what}: "nested too deeply" at a location, exit 2`, async () => {
      const r = await run(output(type, expr));
      expect(r.code, r.stderr).toBe(ExitCode.invalid);
      expect(r.stderr).toMatch(new RegExp(`^${r.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:\\d+: error: the document is nested too deeply here`, "m"));
      expect(r.stderr).not.toMatch(/internal error|call stack/i);
    });
  }

  it("runs an expression nested just inside the limit", async () => {
    const n = MAX_NESTING - 10;
    const r = await run(output("Int", "(".repeat(n) + "1" + ")".repeat(n)));
    expect(r.code, r.stderr).toBe(ExitCode.ok);
    expect(JSON.parse(r.stdout)).toEqual({ "w.x": 1 });
  });

  it("an inputs file nested 20,000 deep: named, located, exit 2", async () => {
    const r = await run(`version 1.1\nworkflow w {\n  input { String s }\n  output { String x = s }\n}\n`, `{"w.s": ${"[".repeat(20000)}${"]".repeat(20000)}}`);
    expect(r.code, r.stderr).toBe(ExitCode.invalid);
    expect(r.stderr).toMatch(/in\.json: invalid JSON at line 1, column \d+: nested too deeply \(more than 200 levels of arrays and objects\)/);
  });

  it("read_json of a file nested 20,000 deep fails the run with that message, not a stack overflow", async () => {
    const r = await run(
      `version 1.1\ntask t {\n  command <<< python3 -c 'print("[" * 20000 + "]" * 20000)' >>>\n  output { String x = read_json(stdout()) }\n}\n`,
    );
    expect(r.code, r.stderr).toBe(ExitCode.failure);
    expect(r.stderr).toContain("nested too deeply");
    expect(r.stderr).not.toMatch(/internal error|call stack/i);
  });
});
