/**
 * The front end's one depth limit. The parser, the AST builder, the type
 * checker and the evaluator all recurse over expressions, so a document
 * nested deeper than they can go (hundreds of nested parentheses, literals or
 * strings, or a chain of a thousand `+`, which the builder turns into a tree
 * that deep) would overflow the stack. `nestingProblem` measures the depth on
 * the tokens, before anything recurses: each bracket, brace, string or
 * placeholder is one level, and each binary operator one more level for the
 * rest of its expression (a chain of n operators is a tree n deep; `=`, `,`
 * and `:` end an expression). Over MAX_NESTING it answers the token where the
 * limit was passed.
 */
import { tokenMatcher, type IToken } from "chevrotain";
import * as T from "./tokens.js";

/** The deepest nesting a document may have (real documents stay far below: tens). */
export const MAX_NESTING = 200;

/** The first token at which the nesting passes MAX_NESTING, or undefined. */
export function nestingProblem(tokens: readonly IToken[]): IToken | undefined {
  // Per open level: the binary operators of the current expression at that level.
  const chains: number[] = [0];
  let depth = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type.PUSH_MODE !== undefined || type === T.LParen || type === T.LSquare) {
      chains.push(0);
      depth++;
    } else if (type.POP_MODE === true || type === T.RParen || type === T.RSquare) {
      if (chains.length > 1) depth -= 1 + chains.pop()!;
      continue;
    } else if (tokenMatcher(t, T.BinaryOperator)) {
      chains[chains.length - 1]!++;
      depth++;
    } else if (type === T.Equals || type === T.Comma || type === T.Colon) {
      depth -= chains[chains.length - 1]!;
      chains[chains.length - 1] = 0;
    }
    if (depth > MAX_NESTING) return t;
  }
  return undefined;
}
