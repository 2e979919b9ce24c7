/**
 * The WDL token vocabulary and the multi-mode lexer definition.
 *
 * Modes (a stack, so placeholders and braces nest to any depth):
 * - `main`: declarations and expressions. `{` pushes `main` again and `}` pops,
 *   so the `}` that closes a `~{…}` placeholder returns to the enclosing string
 *   or command mode.
 * - `dq` / `sq`: the inside of `"…"` / `'…'` strings (single line).
 * - `ml`: the inside of a 1.2 multi-line string `<<< … >>>`.
 * - `heredoc`: the inside of `command <<< … >>>` (only `~{` opens a placeholder).
 * - `braceCommand`: the inside of `command { … }` (`~{` and `${` open placeholders).
 *
 * Token labels are the plain words used in syntax error messages.
 */
import { createToken, Lexer, tokenMatcher, type IMultiModeLexerDefinition, type IToken, type TokenType } from "chevrotain";
import { declaredVersion, RESERVED_FROM_12, versionRules } from "./version-rules.js";

/** Category matched by every token: lets the parser skip one unexpected token while recovering. */
export const AnyToken = createToken({ name: "AnyToken", pattern: Lexer.NA });
/** Category of every reserved keyword (meta keys and hint keys may be keywords). */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA, categories: [AnyToken] });
/** Category of all binary operators; the AST builder applies the precedence table. */
export const BinaryOperator = createToken({ name: "BinaryOperator", pattern: Lexer.NA, categories: [AnyToken] });
/** Category of the prefix operators `!`, `-`, `+`. */
export const UnaryOperator = createToken({ name: "UnaryOperator", pattern: Lexer.NA, categories: [AnyToken] });

function tok(name: string, pattern: RegExp | string, label: string, extra: Partial<Parameters<typeof createToken>[0]> = {}): TokenType {
  const categories = [AnyToken, ...((extra.categories as TokenType[] | undefined) ?? [])];
  return createToken({ name, pattern, label, ...extra, categories });
}

// ───────────── skipped ─────────────
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });

// ───────────── names ─────────────
export const Identifier = tok("Identifier", /[a-zA-Z][a-zA-Z0-9_]*/, "a name");

/**
 * The keyword token type of each reserved or contextual word. Keywords have no
 * pattern of their own: the lexer reads every word as an Identifier and
 * `classifyWords` retypes the words found here (one regular expression and
 * one map lookup per word, instead of trying each keyword that shares its first letter).
 */
const keywordTypes = new Map<string, TokenType>();

function keyword(word: string, name: string): TokenType {
  const t = tok(name, Lexer.NA, `'${word}'`, { categories: [Keyword] });
  keywordTypes.set(word, t);
  return t;
}
/** Contextual words: keywords in one place, ordinary names everywhere else. */
function contextual(word: string, name: string): TokenType {
  const t = tok(name, Lexer.NA, `'${word}'`, { categories: [Identifier] });
  keywordTypes.set(word, t);
  return t;
}

export const KwArray = keyword("Array", "Array");
export const KwBoolean = keyword("Boolean", "Boolean");
export const KwDirectory = keyword("Directory", "Directory");
export const KwFile = keyword("File", "File");
export const KwFloat = keyword("Float", "FloatType");
export const KwInt = keyword("Int", "IntType");
export const KwMap = keyword("Map", "Map");
export const KwNone = keyword("None", "None");
export const KwObjectType = keyword("Object", "ObjectType");
export const KwPair = keyword("Pair", "Pair");
export const KwString = keyword("String", "StringType");
export const KwAlias = keyword("alias", "Alias");
export const KwAs = keyword("as", "As");
export const KwCall = keyword("call", "Call");
export const KwCommand = keyword("command", "Command");
export const KwElse = keyword("else", "Else");
export const KwFalse = keyword("false", "False");
export const KwHints = keyword("hints", "Hints");
export const KwIf = keyword("if", "If");
export const KwIn = keyword("in", "In");
export const KwImport = keyword("import", "Import");
export const KwInput = keyword("input", "Input");
export const KwLeft = keyword("left", "Left");
export const KwMeta = keyword("meta", "Meta");
export const KwObject = keyword("object", "Object");
export const KwOutput = keyword("output", "Output");
export const KwParameterMeta = keyword("parameter_meta", "ParameterMeta");
export const KwRight = keyword("right", "Right");
export const KwRequirements = keyword("requirements", "Requirements");
export const KwRuntime = keyword("runtime", "Runtime");
export const KwScatter = keyword("scatter", "Scatter");
export const KwStruct = keyword("struct", "Struct");
export const KwTask = keyword("task", "Task");
export const KwThen = keyword("then", "Then");
export const KwTrue = keyword("true", "True");
export const KwVersion = keyword("version", "Version");
export const KwWorkflow = keyword("workflow", "Workflow");
export const KwEnv = contextual("env", "Env");
export const KwAfter = contextual("after", "After");
/** `enum` (1.3): a keyword only where a top-level enum definition starts, so older documents keep it as a name. */
export const KwEnum = contextual("enum", "Enum");

/** Every keyword token type. */
const keywords: TokenType[] = [...keywordTypes.values()];

/**
 * Gives each Identifier token that is a keyword its keyword type, and makes
 * the other words of one document share one string per distinct name (run on
 * the lexer's output before parsing, in place). Every word is looked up once
 * anyway for the keyword test; sharing the strings then costs one map entry
 * per distinct name, and keeps one copy of each name alive in the syntax
 * tree instead of one per occurrence (36 instead of 38.5 MB for the
 * 60,000-line benchmark document). In a 1.0 or 1.1 document (read from its
 * first statement) the words reserved only from 1.2 on stay names where they
 * are used as names (see isNameHere and version-rules.ts).
 */
export function classifyWords(tokens: readonly IToken[]): void {
  const version = tokens[0]?.image === "version" ? declaredVersion(tokens[1]?.image) : "1.2";
  const older = !versionRules(version).reservedSince12;
  const words = new Map<string, TokenType | string>(keywordTypes);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType !== Identifier) continue;
    const known = words.get(t.image);
    if (known === undefined) words.set(t.image, t.image);
    else if (typeof known === "string") t.image = known;
    else if (older && RESERVED_FROM_12.has(t.image) && isNameHere(tokens, i)) continue;
    else {
      t.tokenType = known;
      t.tokenTypeIdx = known.tokenTypeIdx!;
    }
  }
}

const typeEnds = new Set(["Array", "Boolean", "Directory", "File", "Float", "Int", "Map", "Object", "Pair", "String", "]", "?", "+"]);

/**
 * In a 1.0 or 1.1 document, whether a word reserved only from 1.2 on is used
 * as a name at `t` (then it stays an Identifier): `version` everywhere but the
 * first statement, `hints` and `requirements` unless a `{` follows (the 1.2
 * sections, reported as such), `Directory` where it follows a type or a name
 * (`File Directory`) rather than where a type starts.
 */
function isNameHere(tokens: readonly IToken[], i: number): boolean {
  const t = tokens[i]!;
  switch (t.image) {
    case "version":
      return i !== 0;
    case "hints":
    case "requirements":
      return tokens[i + 1]?.image !== "{";
    default: {
      const prev = tokens[i - 1];
      return prev !== undefined && (prev.tokenType === Identifier || typeEnds.has(prev.image));
    }
  }
}

/** The spec's reserved keyword list (section "Reserved Keywords"). */
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set(
  [...keywordTypes].filter(([, k]) => k !== KwEnv && k !== KwAfter && k !== KwEnum).map(([word]) => word),
);

// ───────────── literals ─────────────
export const FloatLiteral = tok("FloatLiteral", /(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/, "a number");
export const IntLiteral = tok("IntLiteral", /0[xX][0-9a-fA-F]+|0[0-7]+|[1-9]\d*|0/, "an integer");

// ───────────── punctuation & operators ─────────────
export const LCurly = tok("LCurly", "{", "'{'", { push_mode: "main" });
export const RCurly = tok("RCurly", "}", "'}'", { pop_mode: true });
export const LParen = tok("LParen", "(", "'('");
export const RParen = tok("RParen", ")", "')'");
export const LSquare = tok("LSquare", "[", "'['");
export const RSquare = tok("RSquare", "]", "']'");
export const Comma = tok("Comma", ",", "','");
export const Colon = tok("Colon", ":", "':'");
export const Dot = tok("Dot", ".", "'.'");
export const Question = tok("Question", "?", "'?'");
export const Equals = tok("Equals", "=", "'='");

export const OrOp = tok("OrOp", "||", "'||'", { categories: [BinaryOperator] });
export const AndOp = tok("AndOp", "&&", "'&&'", { categories: [BinaryOperator] });
export const EqOp = tok("EqOp", "==", "'=='", { categories: [BinaryOperator] });
export const NeqOp = tok("NeqOp", "!=", "'!='", { categories: [BinaryOperator] });
export const LteOp = tok("LteOp", "<=", "'<='", { categories: [BinaryOperator] });
export const GteOp = tok("GteOp", ">=", "'>='", { categories: [BinaryOperator] });
export const LtOp = tok("LtOp", "<", "'<'", { categories: [BinaryOperator] });
export const GtOp = tok("GtOp", ">", "'>'", { categories: [BinaryOperator] });
export const Plus = tok("Plus", "+", "'+'", { categories: [BinaryOperator, UnaryOperator] });
export const Minus = tok("Minus", "-", "'-'", { categories: [BinaryOperator, UnaryOperator] });
export const StarStar = tok("StarStar", "**", "'**'", { categories: [BinaryOperator] });
export const Star = tok("Star", "*", "'*'", { categories: [BinaryOperator] });
export const Slash = tok("Slash", "/", "'/'", { categories: [BinaryOperator] });
export const Percent = tok("Percent", "%", "'%'", { categories: [BinaryOperator] });
export const Not = tok("Not", "!", "'!'", { categories: [UnaryOperator] });

// ───────────── strings, commands, placeholders ─────────────
/** `command <<<` (whitespace may separate the keyword and the opener). */
export const CommandHeredocStart = tok("CommandHeredocStart", /command[ \t\r\n]*<<</, "'command <<<'", {
  push_mode: "heredoc",
  line_breaks: true,
  start_chars_hint: ["c"],
});
/** `command {` */
export const CommandBraceStart = tok("CommandBraceStart", /command[ \t\r\n]*\{/, "'command {'", {
  push_mode: "braceCommand",
  line_breaks: true,
  start_chars_hint: ["c"],
});
export const HeredocEnd = tok("HeredocEnd", ">>>", "'>>>'", { pop_mode: true });
export const HeredocText = tok("HeredocText", /(?:[^>~\\]|\\[\s\S]|>(?!>>)|~(?!\{))+/, "command text", { line_breaks: true });
export const BraceCommandEnd = tok("BraceCommandEnd", "}", "'}'", { pop_mode: true });
export const BraceCommandText = tok("BraceCommandText", /(?:[^}~$\\]|\\[\s\S]|~(?!\{)|\$(?!\{))+/, "command text", {
  line_breaks: true,
});

export const TildeLCurly = tok("TildeLCurly", "~{", "'~{'", { push_mode: "main" });
export const DollarLCurly = tok("DollarLCurly", "${", "'${'", { push_mode: "main" });

export const DqStart = tok("DqStart", '"', "'\"'", { push_mode: "dq" });
export const DqEnd = tok("DqEnd", '"', "'\"'", { pop_mode: true });
export const DqText = tok("DqText", /(?:[^"\\~$\r\n]|\\[^\r\n]|~(?!\{)|\$(?!\{))+/, "string text");
export const SqStart = tok("SqStart", "'", "\"'\"", { push_mode: "sq" });
export const SqEnd = tok("SqEnd", "'", "\"'\"", { pop_mode: true });
export const SqText = tok("SqText", /(?:[^'\\~$\r\n]|\\[^\r\n]|~(?!\{)|\$(?!\{))+/, "string text");
/** A line break inside a quoted string: ends the (unterminated) string so the lexer can resynchronize. */
export const UnterminatedString = tok("UnterminatedString", /\r?\n/, "the end of the line", {
  pop_mode: true,
  line_breaks: true,
});
export const MlStart = tok("MlStart", "<<<", "'<<<'", { push_mode: "ml" });
export const MlEnd = tok("MlEnd", ">>>", "'>>>'", { pop_mode: true });
export const MlText = tok("MlText", /(?:[^>~$\\]|\\[\s\S]|>(?!>>)|~(?!\{)|\$(?!\{))+/, "string text", { line_breaks: true });

const mainMode: TokenType[] = [
  WhiteSpace, Comment,
  CommandHeredocStart, CommandBraceStart,
  MlStart, DqStart, SqStart,
  LCurly, RCurly, LParen, RParen, LSquare, RSquare, Comma, Colon,
  FloatLiteral, IntLiteral, Dot, Question,
  OrOp, AndOp, EqOp, NeqOp, LteOp, GteOp, LtOp, GtOp, Equals,
  Plus, Minus, StarStar, Star, Slash, Percent, Not,
  ...keywords,
  Identifier,
];

/** The lexer definition (all modes). */
export const lexerDefinition: IMultiModeLexerDefinition = {
  defaultMode: "main",
  modes: {
    main: mainMode,
    dq: [DqEnd, TildeLCurly, DollarLCurly, DqText, UnterminatedString],
    sq: [SqEnd, TildeLCurly, DollarLCurly, SqText, UnterminatedString],
    ml: [MlEnd, TildeLCurly, DollarLCurly, MlText],
    heredoc: [HeredocEnd, TildeLCurly, HeredocText],
    braceCommand: [BraceCommandEnd, TildeLCurly, DollarLCurly, BraceCommandText],
  },
};

/** Every token type, for the parser's vocabulary. */
export const allTokens: TokenType[] = [
  AnyToken, Keyword, BinaryOperator, UnaryOperator,
  ...mainMode,
  DqEnd, DqText, SqEnd, SqText, UnterminatedString, MlEnd, MlText,
  HeredocEnd, HeredocText, BraceCommandEnd, BraceCommandText, TildeLCurly, DollarLCurly,
];

// ───────────── recovery category ─────────────
/**
 * Category of tokens that cannot start any element of a document, a body or a
 * section (everything except element keywords, type names, names and `}`).
 * The parser consumes runs of them as "stray" input so that one unexpected
 * token yields one clear diagnostic and parsing carries on.
 */
export const Stray = createToken({ name: "Stray", pattern: Lexer.NA });

/** Tokens that start a top-level element. */
export const topLevelStarts: readonly TokenType[] = [KwImport, KwStruct, KwTask, KwWorkflow, KwEnum];
/** Tokens that start a section or statement inside a struct, task or workflow body. */
export const bodyStarts: readonly TokenType[] = [
  KwInput, KwOutput, CommandHeredocStart, CommandBraceStart, KwRequirements, KwHints, KwRuntime, KwMeta,
  KwParameterMeta, KwCall, KwScatter, KwIf,
];
/** Tokens that start a declaration (a type, or `env`). */
export const declarationStarts: readonly TokenType[] = [
  KwArray, KwBoolean, KwDirectory, KwFile, KwFloat, KwInt, KwMap, KwObjectType, KwPair, KwString, Identifier,
  KwEnv, KwAfter, KwEnum,
];

for (const t of mainMode) {
  if (t.GROUP === Lexer.SKIPPED) continue;
  if (t === RCurly || topLevelStarts.includes(t) || bodyStarts.includes(t) || declarationStarts.includes(t)) continue;
  (t.CATEGORIES ??= []).push(Stray);
}
allTokens.push(Stray);

/** Whether token type `type` is `category` or one of its members (as the parser matches a token). */
export function isOf(type: TokenType, category: TokenType): boolean {
  return tokenMatcher({ tokenType: type, tokenTypeIdx: type.tokenTypeIdx! } as IToken, category);
}

/**
 * `value(type)` for every token type, by token type index: a table the
 * hand-written lexer's and parser's hot loops read instead of matching
 * categories per token. Build it on first use (the categories are final then).
 */
export function tokenTypeTable(value: (type: TokenType) => number): Uint8Array {
  const table = new Uint8Array(Math.max(...allTokens.map((t) => t.tokenTypeIdx!)) + 1);
  for (const type of allTokens) table[type.tokenTypeIdx!] = value(type);
  return table;
}
