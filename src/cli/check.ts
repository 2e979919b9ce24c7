/**
 * `wdlrun check PATH…`: parses and type-checks documents (and their
 * imports) and prints every diagnostic with a code frame, sorted by file and
 * position. A directory stands for every `.wdl` file below it (hidden
 * directories skipped), so a repository is checked in one call: each
 * document, however many others import it, is read and checked once.
 * `--summary` prints errors and warnings per file and a total instead;
 * `--json` prints the diagnostics (each with its file), or with `--summary`
 * the per-file summary, as JSON on stdout.
 *
 * Exit 0 when there are no errors (warnings allowed), 1 when there are, 2 for
 * bad usage (commander; directories without any `.wdl` file) or an invalid
 * configuration. `--strict` (or config `strict`) makes leniency warnings errors.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { displayPath, renderDiagnostics } from "../diagnostics/render.js";
import { ConfigError, loadConfig } from "../config/index.js";
import { addCommand, ExitCode } from "./program.js";

/** Options of `check`. */
export interface CheckOptions {
  /** Print as JSON on stdout instead of text. */
  readonly json?: boolean;
  /** Hide warnings. */
  readonly warnings?: boolean;
  /** Print errors and warnings per file and a total instead of the diagnostics. */
  readonly summary?: boolean;
  /** Leniency warnings are errors (`--strict`, config `strict`, `WDLRUN_STRICT`). */
  readonly strict?: boolean;
}

/** Where `check` writes. */
export interface CheckOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** One file's line of `--summary`. */
export interface FileSummary {
  /** The file as shown to the user (relative to the current directory when below it). */
  readonly file: string;
  readonly errors: number;
  readonly warnings: number;
}

/** Checks the files (directories: every `.wdl` below) and reports; resolves to the exit code. */
export async function runCheck(paths: readonly string[], options: CheckOptions = {}, out: CheckOutput = defaultOutput): Promise<number> {
  // Loaded here, not at start-up (see ./program.ts).
  const { analyzeFiles } = await import("../analysis/index.js");
  const files = await expandPaths(paths);
  if (files.length === 0) {
    out.stderr(`wdlrun: no .wdl files below ${paths.join(", ")}\n`);
    return ExitCode.usage;
  }
  const analysis = await analyzeFiles(files, { strict: options.strict ?? false });
  const shown = (list: readonly Diagnostic[]) => (options.warnings === false ? list.filter((d) => d.severity !== "warning") : list);
  const byFile = [...analysis.byFile].map(([uri, list]) => ({ uri, file: displayPath(uri), diagnostics: shown(list) }));
  byFile.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const all = byFile.flatMap((f) => f.diagnostics);
  const errors = all.some((d) => d.severity === "error");
  if (options.summary) {
    const summaries = byFile.map(({ file, diagnostics }) => summarize(file, diagnostics));
    const total = { files: summaries.length, errors: sum(summaries, "errors"), warnings: sum(summaries, "warnings") };
    out.stdout(options.json ? JSON.stringify({ files: summaries, total }, null, 2) + "\n" : summaryTable(summaries, total));
  } else if (options.json) {
    const list = byFile.flatMap(({ file, diagnostics }) => diagnostics.map((d) => ({ file, ...d })));
    out.stdout(JSON.stringify(list, null, 2) + "\n");
  } else if (all.length) out.stderr(renderDiagnostics(all, analysis.sources));
  else out.stderr(`${files.length === 1 ? files[0] : `${files.length} files`}: no problems found\n`);
  return errors ? ExitCode.failure : ExitCode.ok;
}

/**
 * The documents to check: each path as given, except that a directory
 * stands for every `.wdl` file below it (sorted; hidden directories such as
 * `.git` skipped). A path that does not exist is kept: the check reports it.
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const isDir = await stat(p).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isDir) out.push(...(await wdlFilesBelow(p)));
    else out.push(p);
  }
  return out;
}

async function wdlFilesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith(".")) out.push(...(await wdlFilesBelow(path)));
    else if (e.isFile() && e.name.endsWith(".wdl")) out.push(path);
  }
  return out;
}

function summarize(file: string, diagnostics: readonly Diagnostic[]): FileSummary {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return { file, errors, warnings: diagnostics.length - errors };
}

function sum(list: readonly FileSummary[], key: "errors" | "warnings"): number {
  return list.reduce((n, s) => n + s[key], 0);
}

/** `errors  warnings  file` per file, then the total. */
function summaryTable(summaries: readonly FileSummary[], total: { files: number; errors: number; warnings: number }): string {
  const width = Math.max(6, String(total.errors).length, String(total.warnings).length);
  const row = (e: number | string, w: number | string, file: string) => `${String(e).padStart(width)}  ${String(w).padStart(Math.max(width, 8))}  ${file}\n`;
  return (
    row("errors", "warnings", "file") +
    summaries.map((s) => row(s.errors, s.warnings, s.file)).join("") +
    row(total.errors, total.warnings, `total (${total.files} file${total.files === 1 ? "" : "s"})`)
  );
}

const defaultOutput: CheckOutput = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

addCommand((program: Command, done) => {
  program
    .command("check")
    .description("parse and type-check WDL documents and their imports (a directory: every .wdl file below it)")
    .argument("<paths...>", "WDL documents, or directories to search for them")
    .option("--json", "print diagnostics (each with its file) as JSON on stdout")
    .option("--summary", "print errors and warnings per file and a total (with --json: as JSON)")
    .option("--no-warnings", "do not show warnings")
    .option("--strict", "treat leniency warnings (what the spec forbids but other engines accept) as errors")
    .option("--config <file>", "read this TOML config file (for `strict`)")
    .action(async (paths: string[], opts: { json?: boolean; warnings?: boolean; summary?: boolean; strict?: boolean; config?: string }) => {
      let strict: boolean;
      try {
        strict = loadConfig({ ...(opts.config !== undefined ? { configFile: opts.config } : {}), flags: opts.strict ? { strict: "true" } : {} }).strict;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        process.stderr.write(`wdlrun: invalid configuration:\n${e.problems.map((p) => `  ${p}`).join("\n")}\n`);
        return done(ExitCode.invalid);
      }
      done(await runCheck(paths, { json: opts.json, warnings: opts.warnings, summary: opts.summary, strict }));
    });
});
