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
import type { IToken } from "chevrotain";
import * as T from "./tokens.js";

/** The deepest nesting a document may have (real documents stay far below: tens). */
export const MAX_NESTING = 200;

const OPEN = 1;
const CLOSE = 2;
const OPERATOR = 3;
const ENDS_EXPRESSION = 4;

let roles: Uint8Array | undefined;

/** What each token type does to the depth, by token type index (computed once). */
function tokenRoles(): Uint8Array {
  return (roles ??= T.tokenTypeTable((type) => {
    if (type.PUSH_MODE !== undefined || type === T.LParen || type === T.LSquare) return OPEN;
    if (type.POP_MODE === true || type === T.RParen || type === T.RSquare) return CLOSE;
    if (T.isOf(type, T.BinaryOperator)) return OPERATOR;
    if (type === T.Equals || type === T.Comma || type === T.Colon) return ENDS_EXPRESSION;
    return 0;
  }));
}

/** The first token at which the nesting passes MAX_NESTING, or undefined. */
export function nestingProblem(tokens: readonly IToken[]): IToken | undefined {
  const role = tokenRoles();
  // Per open level: the binary operators of the current expression at that level.
  const chains: number[] = [0];
  let depth = 0;
  for (const t of tokens) {
    switch (role[t.tokenTypeIdx]) {
      case OPEN:
        chains.push(0);
        depth++;
        break;
      case CLOSE:
        if (chains.length > 1) depth -= 1 + chains.pop()!;
        continue;
      case OPERATOR:
        chains[chains.length - 1]!++;
        depth++;
        break;
      case ENDS_EXPRESSION:
        depth -= chains[chains.length - 1]!;
        chains[chains.length - 1] = 0;
        break;
    }
    if (depth > MAX_NESTING) return t;
  }
  return undefined;
}
