/**
 * Command rendering: turns a task's `command <<< >>>` or `command { }` section
 * into the Bash script text, per the spec's "Command Section" and "Stripping
 * Leading Whitespace": drop the whitespace after the opening delimiter up to
 * and including the first newline, and before the closing delimiter back to
 * and including the last newline; compute the common leading whitespace of
 * the non-blank lines of the literal text (placeholders count as content;
 * each space or tab counts as one character); remove it from every line; then
 * substitute the placeholders. Line continuations are kept as written.
 */
import { warning, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { CommandSection, Placeholder, TextPart } from "../syntax/ast.js";
import type { EvalContext } from "./context.js";
import { locate } from "./errors.js";
import { evaluatePlaceholder } from "./interpolate.js";

type Part = TextPart | Placeholder;

/** The dedented template of each section, computed once. */
const templates = new WeakMap<CommandSection, readonly Part[]>();

/** Renders the command script. Throws only EvalError (when a placeholder fails). */
export function renderCommand(section: CommandSection, ctx: EvalContext): string {
  let parts = templates.get(section);
  if (parts === undefined) {
    parts = dedentCommand(section);
    templates.set(section, parts);
  }
  let out = "";
  try {
    for (const p of parts) out += p.kind === "Text" ? p.text : evaluatePlaceholder(p, ctx, true);
  } catch (e) {
    throw locate(e, section.span);
  }
  return out;
}

/**
 * The command's parts with the leading/trailing delimiter whitespace and the
 * common indentation removed (placeholders untouched). Exported for tests and
 * for tools that show the template.
 */
export function dedentCommand(section: CommandSection): Part[] {
  const parts: Part[] = section.parts.map((p) =>
    p.kind === "Text" && section.style === "heredoc" ? { ...p, text: unescapeHeredoc(p.text) } : p,
  );
  trimEnds(parts);
  // Split into lines: each line is a list of parts (text pieces without "\n", placeholders).
  const lines: Part[][] = [[]];
  for (const p of parts) {
    if (p.kind === "Placeholder") {
      lines[lines.length - 1]!.push(p);
      continue;
    }
    const pieces = p.text.split("\n");
    pieces.forEach((text, i) => {
      if (i > 0) lines.push([]);
      if (text !== "") lines[lines.length - 1]!.push({ ...p, text });
    });
  }
  let common = Infinity;
  for (const line of lines) {
    const indent = leadingWhitespace(line);
    if (indent === undefined) continue; // blank line
    common = Math.min(common, indent);
  }
  if (!Number.isFinite(common)) common = 0;
  const out: Part[] = [];
  lines.forEach((line, i) => {
    if (i > 0) appendText(out, "\n", section);
    let remove = common;
    for (const p of line) {
      if (p.kind === "Text" && remove > 0) {
        let k = 0;
        while (k < p.text.length && k < remove && (p.text[k] === " " || p.text[k] === "\t")) k++;
        remove -= k;
        // A text piece that was all whitespace may continue the indentation in the next piece.
        if (k < p.text.length) remove = 0;
        if (k > 0) {
          if (k < p.text.length) appendText(out, p.text.slice(k), p);
          continue;
        }
      } else {
        remove = 0;
      }
      if (p.kind === "Text") appendText(out, p.text, p);
      else out.push(p);
    }
  });
  return out;
}

/**
 * A warning when the command's non-blank lines indent with both tabs and
 * spaces (the spec calls the result undefined and asks for at least a
 * warning); undefined otherwise. For `wdlrun check` and the task runner.
 */
export function mixedIndentationWarning(section: CommandSection): Diagnostic | undefined {
  let tabs = false;
  let spaces = false;
  let lineStart = true;
  let lineHasContent = false;
  let lineIndent = "";
  const finishLine = () => {
    if (lineHasContent) {
      if (lineIndent.includes("\t")) tabs = true;
      if (lineIndent.includes(" ")) spaces = true;
    }
    lineStart = true;
    lineHasContent = false;
    lineIndent = "";
  };
  for (const p of section.parts) {
    if (p.kind === "Placeholder") {
      lineStart = false;
      lineHasContent = true;
      continue;
    }
    for (const c of p.text) {
      if (c === "\n") finishLine();
      else if (lineStart && (c === " " || c === "\t")) lineIndent += c;
      else if (c !== "\r") {
        lineStart = false;
        lineHasContent = true;
      }
    }
  }
  finishLine();
  if (!tabs || !spaces) return undefined;
  return warning(
    "mixed-indentation",
    "the command indents lines with both tabs and spaces; each counts as one character when the common indentation is removed",
    section.span,
    "indent the command with spaces only (or tabs only)",
  );
}

/** Leading whitespace length of a line, or undefined when the line is blank (only spaces/tabs). */
function leadingWhitespace(line: readonly Part[]): number | undefined {
  let n = 0;
  for (const p of line) {
    if (p.kind === "Placeholder") return n;
    for (let k = 0; k < p.text.length; k++) {
      const c = p.text[k];
      if (c === " " || c === "\t" || c === "\r") n++;
      else return n;
    }
  }
  return undefined;
}

function appendText(out: Part[], text: string, at: { span: TextPart["span"] }): void {
  const last = out[out.length - 1];
  if (last !== undefined && last.kind === "Text") out[out.length - 1] = { ...last, text: last.text + text };
  else out.push({ kind: "Text", text, span: at.span });
}

/** Removes whitespace after the opening delimiter (through the first newline) and before the closing one. */
function trimEnds(parts: Part[]): void {
  const first = parts[0];
  if (first !== undefined && first.kind === "Text") {
    const m = /^[ \t]*\r?\n?/.exec(first.text)!;
    parts[0] = { ...first, text: first.text.slice(m[0].length) };
  }
  const lastIndex = parts.length - 1;
  const last = parts[lastIndex];
  if (last !== undefined && last.kind === "Text") {
    const m = /\r?\n?[ \t]*$/.exec(last.text)!;
    parts[lastIndex] = { ...last, text: last.text.slice(0, last.text.length - m[0].length) };
  }
}

/** In a heredoc command, `\>>>` stands for `>>>`. */
function unescapeHeredoc(text: string): string {
  return text.includes("\\>") ? text.replace(/\\(?=>>>)|(?<=>)\\(?=>>)|(?<=>>)\\(?=>)/g, "") : text;
}
