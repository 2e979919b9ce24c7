/**
 * The runtime's one door to expression evaluation (src/eval): evaluating
 * expressions and declarations and rendering commands. Keeping these calls
 * in one place keeps the rest of the runtime independent of how the
 * evaluator is organised.
 */
import type { CommandSection, Declaration, Expr } from "../syntax/ast.js";
import type { WdlType } from "../types/types.js";
import type { WdlValue } from "../values/value.js";
import type { EvalContext } from "../eval/context.js";
import { evaluate, evaluateAs } from "../eval/evaluate.js";
import { renderCommand } from "../eval/command.js";

/** Evaluates an expression (no coercion). Throws EvalError. */
export function evaluateExpr(expr: Expr, ctx: EvalContext): WdlValue {
  return evaluate(expr, ctx);
}

/** Evaluates a bound declaration's expression and coerces it to `type`. Throws EvalError. */
export function evaluateDecl(decl: Declaration, type: WdlType, ctx: EvalContext): WdlValue {
  if (!decl.expr) throw new Error(`internal error: declaration ${decl.name.name} has no expression`);
  return evaluateAs(decl.expr, type, ctx);
}

/** Renders a command section into the script text. Throws EvalError. */
export function renderTaskCommand(section: CommandSection, ctx: EvalContext): string {
  return renderCommand(section, ctx);
}
