/**
 * `wdlrun inputs FILE [--task NAME]`: prints a JSON template of the inputs
 * `wdlrun run` accepts for the document's workflow (or a task), with fully
 * qualified keys: required inputs first (value: the type), then optional
 * ones (`"Int? (optional)"`, `"String (default: \"x\")"`). Exit 1 (with the
 * diagnostics) when the document has errors.
 */
import type { Command } from "commander";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { addCommand, ExitCode } from "./program.js";
import type { CheckOutput } from "./check.js";

/** Prints the inputs template of `file`; resolves to the exit code. */
export async function runInputs(file: string, task: string | undefined, out: CheckOutput = defaultOutput): Promise<number> {
  // Loaded here, not at start-up (see ./program.ts).
  const [{ analyzeFile }, { inputSlots, inputsTemplate }, { chooseTarget }] = await Promise.all([
    import("../analysis/index.js"),
    import("../analysis/inputs.js"),
    import("../runtime/target.js"),
  ]);
  const analysis = await analyzeFile(file);
  if (!analysis.root || hasErrors(analysis.diagnostics)) {
    out.stderr(renderDiagnostics(analysis.diagnostics.filter((d) => d.severity === "error"), analysis.sources));
    return ExitCode.failure;
  }
  const choice = chooseTarget(analysis.root, task);
  if (choice.kind === "error") {
    out.stderr(`wdlrun: ${choice.message}\n`);
    return ExitCode.failure;
  }
  const slots = inputSlots(choice.target);
  const template = inputsTemplate(slots, (e) => {
    const text = analysis.sources.get(e.span.uri);
    return text?.slice(e.span.start.offset, e.span.end.offset);
  });
  out.stdout(JSON.stringify(template, null, 2) + "\n");
  return ExitCode.ok;
}

const defaultOutput: CheckOutput = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

addCommand((program: Command, done) => {
  program
    .command("inputs")
    .description("print a JSON template of the inputs a workflow or task accepts")
    .argument("<file>", "WDL document")
    .option("--task <name>", "a task of the document instead of its workflow")
    .action(async (file: string, opts: { task?: string }) => {
      done(await runInputs(file, opts.task));
    });
});
