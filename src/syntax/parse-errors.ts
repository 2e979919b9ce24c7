/**
 * Plain-words syntax error messages. Chevrotain reports what it expected as
 * token types and rule names; this module turns those into "expected '}' but
 * found keyword 'workflow'" style sentences (the parser's errorMessageProvider),
 * and describes tokens for other messages.
 */
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";

/** Rules whose failure is best described as one thing that was expected. */
const ruleDescriptions: Readonly<Record<string, string>> = {
  expression: "an expression",
  type: "a type (such as Int, String, Array[File] or a struct name)",
  bodyElement: "a declaration, section or statement",
  metaValue: "a meta value (a string, number, true, false, null, array or object)",
  string: "a string",
  anyName: "a name",
  declaration: "a name for the declaration",
  version: "a version number",
  memberAccess: "a member name",
  placeholderOption: "a placeholder option (sep, true, false or default)",
  commandSection: "a command section",
  placeholder: "a placeholder",
};

/** How a token kind is named in messages ("'}'", "a name", "an integer"). */
export function describeTokenType(t: TokenType): string {
  if (t === EOF) return "the end of the file";
  if (t === T.Identifier) return "a name";
  if (t === T.DqStart || t === T.SqStart || t === T.MlStart) return "a string";
  if (typeof t.LABEL === "string") return t.LABEL;
  return t.name;
}

/** How an actual token is named in messages ("keyword 'task'", "name 'foo'", "the end of the file"). */
export function describeToken(token: IToken): string {
  const t = token.tokenType;
  if (t === EOF) return "the end of the file";
  if (t === T.UnterminatedString) return "the end of the line";
  if (t === T.KwEnv || t === T.KwAfter || t === T.Identifier) return `name '${token.image}'`;
  if (t.CATEGORIES?.includes(T.Keyword)) return `keyword '${token.image}'`;
  if (t === T.IntLiteral || t === T.FloatLiteral) return `number ${token.image}`;
  if (t === T.DqStart || t === T.SqStart || t === T.MlStart) return "a string";
  if (t === T.CommandHeredocStart || t === T.CommandBraceStart) return "a command section";
  if (t === T.DqText || t === T.SqText || t === T.MlText || t === T.HeredocText || t === T.BraceCommandText) {
    const shown = token.image.length > 20 ? `${token.image.slice(0, 20)}…` : token.image;
    return `text '${shown.replace(/\n/g, "\\n")}'`;
  }
  return `'${token.image}'`;
}

/** Joins alternatives as "a, b or c", without duplicates. */
export function oneOf(items: readonly string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

function firstTokens(paths: readonly (readonly TokenType[])[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    const first = path[0];
    if (first !== undefined) out.push(describeTokenType(first));
  }
  return out;
}

/** The parser's error message provider. */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${describeTokenType(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected 'import', 'struct', 'task' or 'workflow' but found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0] ? describeToken(actual[0]) : "the end of the file";
    const described = ruleDescriptions[ruleName];
    const expected = described ?? oneOf(expectedPathsPerAlt.flatMap((paths) => firstTokens(paths)));
    return `expected ${expected} but found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const found = actual[0] ? describeToken(actual[0]) : "the end of the file";
    const expected = ruleDescriptions[ruleName] ?? oneOf(firstTokens(expectedIterationPaths));
    return `expected at least one ${expected} but found ${found}`;
  },
};
