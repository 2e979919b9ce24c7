/**
 * Golden check cases: each folder under test/golden/check-cases/ holds
 * `main.wdl` (plus anything it imports), an optional `options.json`
 * (`{ "strict": true }`: the options of `wdlrun check`) and `expected.txt`:
 * what `wdlrun check main.wdl` prints (stdout, then stderr) and its exit code,
 * the case's folder written as `<case>`. They pin the exact diagnostics a
 * user sees for each version rule, leniency warning and syntax-error
 * recovery. `BLESS=1 npx vitest run test/golden/check.test.ts` rewrites the
 * expected files (read the diff before committing it).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCheck, type CheckOptions } from "../../src/cli/check.js";

const casesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "check-cases");
const bless = process.env.BLESS === "1";

/** What `check` prints for the case, with its exit code, the case folder as `<case>`. */
async function checkText(caseDir: string): Promise<string> {
  const optionsFile = path.join(caseDir, "options.json");
  const options: CheckOptions = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, "utf8")) : {};
  let stdout = "";
  let stderr = "";
  const code = await runCheck([path.join(caseDir, "main.wdl")], options, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  const shownDir = path.relative(process.cwd(), caseDir);
  const text = `${stdout}${stderr}exit ${code}\n`;
  return text.split(caseDir).join("<case>").split(shownDir).join("<case>");
}

describe("golden check cases", () => {
  for (const name of readdirSync(casesDir).sort()) {
    const caseDir = path.join(casesDir, name);
    it(name, async () => {
      const text = await checkText(caseDir);
      const expectedFile = path.join(caseDir, "expected.txt");
      if (bless) writeFileSync(expectedFile, text);
      expect(text).toBe(readFileSync(expectedFile, "utf8"));
    });
  }
});
