/**
 * A hand-written recursive-descent parser for the WDL grammar of ./parser.ts,
 * for input without syntax errors: the common case, parsed here at a fraction
 * of the Chevrotain parser's cost (no grammar recording, no lookahead
 * functions, no generic rule machinery; a fresh process pays little JIT
 * warm-up for it).
 *
 * It builds exactly the CST the Chevrotain parser builds for the same tokens
 * (the same node names and child keys: a consumed token under the name of the
 * token type the grammar asks for, one child under a key until a second
 * comes, see addChild in ./parser-expressions.ts), so the one CST→AST builder
 * (./cst-to-ast/) serves both and every finding of the builder stays the same.
 * It takes each decision as the grammar does (by the next one or two tokens,
 * and the grammar's gates), and where it meets anything it does not expect
 * (a syntax error, a stray token, a recovery construct such as an
 * unterminated string) it gives up on the chunk (`undefined`): parse.ts then
 * parses that chunk with the Chevrotain parsers, which report the error.
 * test/syntax/descent-parser.test.ts holds the two to the same CST on every
 * document of the corpora and on mutated ones.
 */
import { tokenMatcher, type CstNode, type IToken, type TokenType } from "chevrotain";
import type { CstChildren } from "./parser-expressions.js";
import * as T from "./tokens.js";

/** Thrown inside the parser when the input is not what a valid document holds there. */
const GIVE_UP = new Error("not a valid chunk");

/** Token classes by token type index (see classes()). */
const IDENT = 1;
const KEYWORD = 2;
const BINARY = 4;
const UNARY = 8;
/** Tokens that may start an expression (the grammar's FIRST set of `expression`). */
const EXPR_START = 16;
/** Tokens that may start a type. */
const TYPE_START = 32;
const TYPE_KEYWORD = 64;

let classTable: Uint8Array | undefined;

/** The class bits of every token type, computed on first use (the token categories are final by then). */
function classes(): Uint8Array {
  if (classTable) return classTable;
  const all = T.allTokens;
  const table = new Uint8Array(Math.max(...all.map((t) => t.tokenTypeIdx!)) + 2);
  const typeKeywords = [T.KwArray, T.KwBoolean, T.KwDirectory, T.KwFile, T.KwFloat, T.KwInt, T.KwMap, T.KwObjectType, T.KwPair, T.KwString];
  const exprStarts: TokenType[] = [
    T.UnaryOperator, T.IntLiteral, T.FloatLiteral, T.DqStart, T.SqStart, T.MlStart, T.LParen, T.LSquare, T.LCurly, T.Identifier, T.Keyword,
  ];
  for (const t of all) {
    const probe = { tokenType: t, tokenTypeIdx: t.tokenTypeIdx! } as IToken;
    let bits = 0;
    if (tokenMatcher(probe, T.Identifier)) bits |= IDENT;
    if (tokenMatcher(probe, T.Keyword)) bits |= KEYWORD;
    if (tokenMatcher(probe, T.BinaryOperator)) bits |= BINARY;
    if (tokenMatcher(probe, T.UnaryOperator)) bits |= UNARY;
    if (exprStarts.some((s) => tokenMatcher(probe, s))) bits |= EXPR_START;
    if (typeKeywords.includes(t)) bits |= TYPE_KEYWORD | TYPE_START;
    if (bits & IDENT) bits |= TYPE_START;
    table[t.tokenTypeIdx!] = bits;
  }
  return (classTable = table);
}

/** Keywords that begin an expression of their own, or belong to one: never a name (the grammar's keywordIsName). */
const expressionKeywords: ReadonlySet<TokenType> = new Set([T.KwTrue, T.KwFalse, T.KwNone, T.KwIf, T.KwThen, T.KwElse, T.KwTask, T.KwIn]);
/** Tokens (besides the binary operators) that may follow a name inside an expression. */
const continuesExpression: ReadonlySet<TokenType> = new Set([T.RCurly, T.RParen, T.RSquare, T.Comma, T.Dot, T.LSquare, T.KwThen, T.KwElse]);

/** Adds `element` under `key`: the element itself first, an array from the second on (as the Chevrotain parser does). */
function addChild(node: CstNode, key: string, element: CstNode | IToken): void {
  const children = node.children as CstChildren;
  const child = children[key];
  if (child === undefined) children[key] = element;
  else if (Array.isArray(child)) child.push(element);
  else children[key] = [child, element];
}

function node(name: string): CstNode {
  return { name, children: {} };
}

/**
 * Parses one top-level chunk (see topLevelChunks in parse.ts) as the grammar's
 * `document` rule; undefined when the chunk is not one the grammar accepts
 * without recovery, or holds something this parser leaves to Chevrotain.
 */
export function parseChunkDirectly(tokens: readonly IToken[]): CstNode | undefined {
  const parser = new DescentParser(tokens, classes());
  try {
    return parser.document();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class DescentParser {
  private pos = 0;
  private readonly eof: IToken;

  constructor(
    private readonly tokens: readonly IToken[],
    private readonly cls: Uint8Array,
  ) {
    this.eof = { tokenType: T.Stray, tokenTypeIdx: -1, image: "", startOffset: NaN } as unknown as IToken;
  }

  // ───────────── token access ─────────────

  private la(k: number): IToken {
    return this.tokens[this.pos + k - 1] ?? this.eof;
  }

  private type(k: number): TokenType {
    return this.la(k).tokenType;
  }

  private is(k: number, bits: number): boolean {
    const idx = this.la(k).tokenTypeIdx;
    return idx >= 0 && (this.cls[idx]! & bits) !== 0;
  }

  /** Consumes a token of type `t` (exactly) under `t`'s name. */
  private take(n: CstNode, t: TokenType): void {
    const tok = this.tokens[this.pos];
    if (tok === undefined || tok.tokenType !== t) throw GIVE_UP;
    this.pos++;
    addChild(n, t.name, tok);
  }

  /** Consumes a token of class `bits` under the category's name `key`. */
  private takeClass(n: CstNode, bits: number, key: string): void {
    if (!this.is(1, bits)) throw GIVE_UP;
    addChild(n, key, this.tokens[this.pos++]!);
  }

  /** Consumes the next token (already checked) under its own type's name. */
  private takeAny(n: CstNode): void {
    const tok = this.tokens[this.pos++]!;
    addChild(n, tok.tokenType.name, tok);
  }

  private sub(n: CstNode, child: CstNode): void {
    addChild(n, child.name, child);
  }

  // ───────────── document ─────────────

  document(): CstNode {
    const n = node("document");
    if (this.type(1) === T.KwVersion) this.sub(n, this.version());
    while (this.pos < this.tokens.length) {
      const t = this.type(1);
      if (t === T.KwImport) this.sub(n, this.importStatement());
      else if (t === T.KwStruct) this.sub(n, this.definition("structDefinition", T.KwStruct));
      else if (t === T.KwTask) this.sub(n, this.definition("taskDefinition", T.KwTask));
      else if (t === T.KwWorkflow) this.sub(n, this.definition("workflowDefinition", T.KwWorkflow));
      else if (t === T.KwEnum && this.is(2, IDENT) && (this.type(3) === T.LCurly || this.type(3) === T.LSquare)) this.sub(n, this.enumDefinition());
      else throw GIVE_UP; // misplaced elements and stray tokens: the builder reports them from Chevrotain's CST
    }
    return n;
  }

  private version(): CstNode {
    const n = node("version");
    this.take(n, T.KwVersion);
    const t = this.type(1);
    if (t === T.FloatLiteral || t === T.IntLiteral) this.takeAny(n);
    else if (this.is(1, IDENT)) this.takeClass(n, IDENT, "Identifier");
    return n;
  }

  private importStatement(): CstNode {
    const n = node("importStatement");
    this.take(n, T.KwImport);
    this.sub(n, this.string());
    if (this.type(1) === T.KwAs) {
      this.take(n, T.KwAs);
      this.takeClass(n, IDENT, "Identifier");
    }
    while (this.type(1) === T.KwAlias) {
      const a = node("importAlias");
      this.take(a, T.KwAlias);
      this.takeClass(a, IDENT, "Identifier");
      this.take(a, T.KwAs);
      this.takeClass(a, IDENT, "Identifier");
      this.sub(n, a);
    }
    return n;
  }

  /** struct, task and workflow: keyword, name, body. */
  private definition(name: string, keyword: TokenType): CstNode {
    const n = node(name);
    this.take(n, keyword);
    this.takeClass(n, IDENT, "Identifier");
    this.sub(n, this.body());
    return n;
  }

  private enumDefinition(): CstNode {
    const n = node("enumDefinition");
    this.take(n, T.KwEnum);
    this.takeClass(n, IDENT, "Identifier");
    if (this.type(1) === T.LSquare) {
      this.take(n, T.LSquare);
      this.sub(n, this.typeRule());
      this.take(n, T.RSquare);
    }
    this.take(n, T.LCurly);
    while (this.is(1, IDENT)) {
      const c = node("enumChoice");
      this.takeClass(c, IDENT, "Identifier");
      if (this.type(1) === T.Equals) {
        this.take(c, T.Equals);
        this.sub(c, this.expression());
      }
      this.sub(n, c);
      if (this.type(1) === T.Comma) this.take(n, T.Comma);
    }
    this.take(n, T.RCurly);
    return n;
  }

  // ───────────── bodies ─────────────

  private body(): CstNode {
    const n = node("body");
    this.take(n, T.LCurly);
    while (this.type(1) !== T.RCurly) this.sub(n, this.bodyElement());
    this.take(n, T.RCurly);
    return n;
  }

  private bodyElement(): CstNode {
    const n = node("bodyElement");
    const t = this.type(1);
    let element: CstNode;
    if (t === T.KwInput) element = this.declarationSection("inputSection", T.KwInput);
    else if (t === T.KwOutput) element = this.declarationSection("outputSection", T.KwOutput);
    else if (t === T.CommandHeredocStart) element = this.command(T.CommandHeredocStart, T.HeredocText, T.HeredocEnd);
    else if (t === T.CommandBraceStart) element = this.command(T.CommandBraceStart, T.BraceCommandText, T.BraceCommandEnd);
    else if (t === T.KwRequirements) element = this.keyValueSection("requirementsSection", T.KwRequirements);
    else if (t === T.KwHints) element = this.keyValueSection("hintsSection", T.KwHints);
    else if (t === T.KwRuntime) element = this.keyValueSection("runtimeSection", T.KwRuntime);
    else if (t === T.KwMeta) element = this.metaSection("metaSection", T.KwMeta);
    else if (t === T.KwParameterMeta) element = this.metaSection("parameterMetaSection", T.KwParameterMeta);
    else if (t === T.KwCall) element = this.callStatement();
    else if (t === T.KwScatter) element = this.scatterStatement();
    else if (t === T.KwIf) element = this.conditionalStatement();
    else if (this.startsDeclaration()) element = this.declaration();
    else throw GIVE_UP;
    this.sub(n, element);
    return n;
  }

  private startsDeclaration(): boolean {
    return this.is(1, TYPE_START);
  }

  private declarationSection(name: string, keyword: TokenType): CstNode {
    const n = node(name);
    this.take(n, keyword);
    const block = node("declarationBlock");
    this.take(block, T.LCurly);
    while (this.type(1) !== T.RCurly) {
      if (!this.startsDeclaration()) throw GIVE_UP;
      this.sub(block, this.declaration());
    }
    this.take(block, T.RCurly);
    this.sub(n, block);
    return n;
  }

  private command(start: TokenType, text: TokenType, end: TokenType): CstNode {
    const n = node("commandSection");
    this.take(n, start);
    for (;;) {
      const t = this.type(1);
      if (t === text) this.take(n, text);
      else if (t === T.TildeLCurly || t === T.DollarLCurly) this.sub(n, this.placeholder());
      else break;
    }
    this.take(n, end);
    return n;
  }

  private keyValueSection(name: string, keyword: TokenType): CstNode {
    const n = node(name);
    this.take(n, keyword);
    const block = node("keyValueBlock");
    this.take(block, T.LCurly);
    while (this.is(1, IDENT | KEYWORD)) {
      const kv = node("keyValue");
      this.sub(kv, this.anyName());
      this.take(kv, T.Colon);
      this.sub(kv, this.expression());
      this.sub(block, kv);
      if (this.type(1) === T.Comma) this.take(block, T.Comma);
    }
    this.take(block, T.RCurly);
    this.sub(n, block);
    return n;
  }

  private anyName(): CstNode {
    const n = node("anyName");
    if (this.is(1, IDENT)) this.takeClass(n, IDENT, "Identifier");
    else this.takeClass(n, KEYWORD, "Keyword");
    return n;
  }

  // ───────────── meta ─────────────

  private metaSection(name: string, keyword: TokenType): CstNode {
    const n = node(name);
    this.take(n, keyword);
    this.sub(n, this.metaEntries("metaBlock"));
    return n;
  }

  /** metaBlock and metaObject: `{ (metaKeyValue ','?)* }`. */
  private metaEntries(name: string): CstNode {
    const n = node(name);
    this.take(n, T.LCurly);
    while (this.is(1, IDENT | KEYWORD)) {
      const kv = node("metaKeyValue");
      this.sub(kv, this.anyName());
      this.take(kv, T.Colon);
      this.sub(kv, this.metaValue());
      this.sub(n, kv);
      if (this.type(1) === T.Comma) this.take(n, T.Comma);
    }
    this.take(n, T.RCurly);
    return n;
  }

  private static readonly metaValueStarts: ReadonlySet<TokenType> = new Set([
    T.DqStart, T.SqStart, T.MlStart, T.IntLiteral, T.FloatLiteral, T.KwTrue, T.KwFalse, T.LSquare, T.LCurly,
  ]);

  private startsMetaValue(k: number): boolean {
    return DescentParser.metaValueStarts.has(this.type(k)) || this.is(k, IDENT | UNARY);
  }

  private metaValue(): CstNode {
    const n = node("metaValue");
    const t = this.type(1);
    if (t === T.DqStart || t === T.SqStart || t === T.MlStart) this.sub(n, this.string());
    else if (this.is(1, UNARY) || t === T.IntLiteral || t === T.FloatLiteral) {
      if (this.is(1, UNARY)) this.takeClass(n, UNARY, "UnaryOperator");
      const u = this.type(1);
      if (u !== T.IntLiteral && u !== T.FloatLiteral) throw GIVE_UP;
      this.takeAny(n);
    } else if (t === T.KwTrue || t === T.KwFalse) this.takeAny(n);
    else if (this.is(1, IDENT)) this.takeClass(n, IDENT, "Identifier");
    else if (t === T.LSquare) {
      const a = node("metaArray");
      this.take(a, T.LSquare);
      this.commaList(a, () => this.startsMetaValue(1), (k) => this.startsMetaValue(k), () => this.metaValue());
      this.take(a, T.RSquare);
      this.sub(n, a);
    } else if (t === T.LCurly) this.sub(n, this.metaEntries("metaObject"));
    else throw GIVE_UP;
    return n;
  }

  /**
   * `item (',' item)* ','?` (the grammar's commaList): a first item when one
   * starts here, another after each comma followed by a token that starts one,
   * then an optional trailing comma.
   */
  private commaList(n: CstNode, startsHere: () => boolean, startsAt: (k: number) => boolean, item: () => CstNode): void {
    if (!startsHere()) return;
    this.sub(n, item());
    while (this.type(1) === T.Comma && startsAt(2)) {
      this.take(n, T.Comma);
      this.sub(n, item());
    }
    if (this.type(1) === T.Comma) this.take(n, T.Comma);
  }

  // ───────────── declarations and types ─────────────

  private declaration(): CstNode {
    const n = node("declaration");
    if (this.envIsModifier()) this.take(n, T.KwEnv);
    this.sub(n, this.typeRule());
    if (this.is(1, IDENT)) this.takeClass(n, IDENT, "Identifier");
    else this.takeClass(n, KEYWORD, "Keyword");
    if (this.type(1) === T.Equals) {
      this.take(n, T.Equals);
      this.sub(n, this.expression());
    }
    return n;
  }

  /** True when the `env` ahead is the 1.2 modifier rather than a struct type named `env`. */
  private envIsModifier(): boolean {
    if (this.type(1) !== T.KwEnv) return false;
    if (this.is(2, TYPE_KEYWORD)) return true;
    if (this.type(2) !== T.Identifier) return false;
    const third = this.type(3);
    return third === T.Identifier || third === T.Question || third === T.LSquare;
  }

  private typeRule(): CstNode {
    const n = node("type");
    const t = this.type(1);
    if (t === T.KwArray) {
      this.take(n, T.KwArray);
      this.take(n, T.LSquare);
      this.sub(n, this.typeRule());
      this.take(n, T.RSquare);
      if (this.type(1) === T.Plus) this.take(n, T.Plus);
    } else if (t === T.KwMap || t === T.KwPair) {
      this.takeAny(n);
      this.take(n, T.LSquare);
      this.sub(n, this.typeRule());
      this.take(n, T.Comma);
      this.sub(n, this.typeRule());
      this.take(n, T.RSquare);
    } else if (this.is(1, TYPE_KEYWORD)) this.takeAny(n);
    else this.takeClass(n, IDENT, "Identifier");
    if (this.type(1) === T.Question) this.take(n, T.Question);
    return n;
  }

  // ───────────── workflow statements ─────────────

  private callStatement(): CstNode {
    const n = node("callStatement");
    this.take(n, T.KwCall);
    this.takeClass(n, IDENT, "Identifier");
    while (this.type(1) === T.Dot) {
      this.take(n, T.Dot);
      this.takeClass(n, IDENT, "Identifier");
    }
    if (this.type(1) === T.KwAs) {
      this.take(n, T.KwAs);
      this.takeClass(n, IDENT, "Identifier");
    }
    while (this.type(1) === T.KwAfter) {
      if (!this.is(2, IDENT)) throw GIVE_UP; // `after` as the type of the next declaration: left to the grammar's own decision
      const a = node("callAfter");
      this.take(a, T.KwAfter);
      this.takeClass(a, IDENT, "Identifier");
      this.sub(n, a);
    }
    if (this.type(1) === T.LCurly) this.sub(n, this.callBody());
    return n;
  }

  private callBody(): CstNode {
    const n = node("callBody");
    this.take(n, T.LCurly);
    if (this.type(1) === T.KwInput) {
      if (this.type(2) !== T.Colon) throw GIVE_UP; // an input named `input`
      this.take(n, T.KwInput);
      this.take(n, T.Colon);
    }
    if (this.is(1, IDENT | KEYWORD)) {
      this.sub(n, this.callInput());
      while (this.type(1) === T.Comma && this.is(2, IDENT | KEYWORD)) {
        this.take(n, T.Comma);
        this.sub(n, this.callInput());
      }
      if (this.type(1) === T.Comma) this.take(n, T.Comma);
    }
    this.take(n, T.RCurly);
    return n;
  }

  private callInput(): CstNode {
    const n = node("callInput");
    if (this.is(1, IDENT)) this.takeClass(n, IDENT, "Identifier");
    else this.takeClass(n, KEYWORD, "Keyword");
    while (this.type(1) === T.Dot) {
      this.take(n, T.Dot);
      this.takeClass(n, IDENT, "Identifier");
    }
    if (this.type(1) === T.Equals) {
      this.take(n, T.Equals);
      this.sub(n, this.expression());
    }
    return n;
  }

  private scatterStatement(): CstNode {
    const n = node("scatterStatement");
    this.take(n, T.KwScatter);
    this.take(n, T.LParen);
    this.takeClass(n, IDENT, "Identifier");
    this.take(n, T.KwIn);
    this.sub(n, this.expression());
    this.take(n, T.RParen);
    this.sub(n, this.body());
    return n;
  }

  private conditionalStatement(): CstNode {
    const n = node("conditionalStatement");
    this.take(n, T.KwIf);
    this.take(n, T.LParen);
    this.sub(n, this.expression());
    this.take(n, T.RParen);
    this.sub(n, this.body());
    while (this.type(1) === T.KwElse) {
      const c = node("elseClause");
      this.take(c, T.KwElse);
      if (this.type(1) === T.KwIf) {
        this.take(c, T.KwIf);
        this.take(c, T.LParen);
        this.sub(c, this.expression());
        this.take(c, T.RParen);
      }
      this.sub(c, this.body());
      this.sub(n, c);
    }
    return n;
  }

  // ───────────── expressions ─────────────

  private expression(): CstNode {
    const n = node("expression");
    this.operand(n);
    while (this.is(1, BINARY)) {
      this.takeClass(n, BINARY, "BinaryOperator");
      this.operand(n);
    }
    return n;
  }

  /** One operand, its tokens and nodes added to the expression's node (the grammar inlines operands). */
  private operand(n: CstNode): void {
    while (this.is(1, UNARY)) this.takeClass(n, UNARY, "UnaryOperator");
    const t = this.type(1);
    if (t === T.IntLiteral || t === T.FloatLiteral || t === T.KwTrue || t === T.KwFalse || t === T.KwNone || t === T.KwTask || t === T.KwIn) this.takeAny(n);
    else if (t === T.DqStart || t === T.SqStart || t === T.MlStart) this.sub(n, this.string());
    else if (t === T.KwIf) this.sub(n, this.ifThenElse());
    else if (t === T.LParen) this.sub(n, this.groupOrPair());
    else if (t === T.LSquare) this.sub(n, this.arrayLiteral());
    else if (t === T.LCurly) this.sub(n, this.mapLiteral());
    else if (t === T.KwObject && this.type(2) === T.LCurly) this.sub(n, this.objectLiteral());
    else if ((t === T.KwHints || t === T.KwInput || t === T.KwOutput) && this.type(2) === T.LCurly) this.sub(n, this.hintsLiteral());
    else if (this.is(1, IDENT)) {
      this.takeClass(n, IDENT, "Identifier");
      if (this.type(1) === T.LParen) this.sub(n, this.apply());
      else if (this.type(1) === T.LCurly) this.sub(n, this.structLiteral());
    } else if (this.is(1, KEYWORD) && this.keywordIsName()) this.takeClass(n, KEYWORD, "Keyword");
    else throw GIVE_UP;
    for (;;) {
      const next = this.type(1);
      if (next === T.Dot) {
        const m = node("memberAccess");
        this.take(m, T.Dot);
        if (this.is(1, IDENT)) this.takeClass(m, IDENT, "Identifier");
        else this.takeClass(m, KEYWORD, "Keyword");
        this.sub(n, m);
      } else if (next === T.LSquare) {
        const m = node("indexAccess");
        this.take(m, T.LSquare);
        this.sub(m, this.expression());
        this.take(m, T.RSquare);
        this.sub(n, m);
      } else return;
    }
  }

  /** The grammar's keywordIsName: a keyword that begins no expression, followed by what continues one. */
  private keywordIsName(): boolean {
    if (expressionKeywords.has(this.type(1))) return false;
    return continuesExpression.has(this.type(2)) || this.is(2, BINARY);
  }

  private ifThenElse(): CstNode {
    const n = node("ifThenElse");
    this.take(n, T.KwIf);
    this.sub(n, this.expression());
    this.take(n, T.KwThen);
    this.sub(n, this.expression());
    this.take(n, T.KwElse);
    this.sub(n, this.expression());
    return n;
  }

  private groupOrPair(): CstNode {
    const n = node("groupOrPair");
    this.take(n, T.LParen);
    this.sub(n, this.expression());
    if (this.type(1) === T.Comma) {
      this.take(n, T.Comma);
      this.sub(n, this.expression());
    }
    this.take(n, T.RParen);
    return n;
  }

  private readonly startsExpression = (k: number): boolean => this.is(k, EXPR_START);

  private arrayLiteral(): CstNode {
    const n = node("arrayLiteral");
    this.take(n, T.LSquare);
    this.commaList(n, () => this.is(1, EXPR_START), this.startsExpression, () => this.expression());
    this.take(n, T.RSquare);
    return n;
  }

  private mapLiteral(): CstNode {
    const n = node("mapLiteral");
    this.take(n, T.LCurly);
    this.commaList(n, () => this.is(1, EXPR_START), this.startsExpression, () => {
      const e = node("mapEntry");
      this.sub(e, this.expression());
      this.take(e, T.Colon);
      this.sub(e, this.expression());
      return e;
    });
    this.take(n, T.RCurly);
    return n;
  }

  private objectLiteral(): CstNode {
    const n = node("objectLiteral");
    this.take(n, T.KwObject);
    this.sub(n, this.memberInitBlock());
    return n;
  }

  private structLiteral(): CstNode {
    const n = node("structLiteral");
    this.sub(n, this.memberInitBlock());
    return n;
  }

  private startsMemberInit(k: number): boolean {
    const t = this.type(k);
    return this.is(k, IDENT | KEYWORD) || t === T.DqStart || t === T.SqStart || t === T.MlStart;
  }

  private memberInitBlock(): CstNode {
    const n = node("memberInitBlock");
    this.take(n, T.LCurly);
    this.commaList(n, () => this.startsMemberInit(1), (k) => this.startsMemberInit(k), () => {
      const m = node("memberInit");
      const t = this.type(1);
      if (t === T.DqStart || t === T.SqStart || t === T.MlStart) this.sub(m, this.string());
      else this.sub(m, this.anyName());
      this.take(m, T.Colon);
      this.sub(m, this.expression());
      return m;
    });
    this.take(n, T.RCurly);
    return n;
  }

  private hintsLiteral(): CstNode {
    const n = node("hintsLiteral");
    this.takeAny(n);
    this.take(n, T.LCurly);
    this.commaList(n, () => this.is(1, IDENT | KEYWORD), (k) => this.is(k, IDENT | KEYWORD), () => {
      const e = node("hintsEntry");
      this.sub(e, this.anyName());
      while (this.type(1) === T.Dot) {
        this.take(e, T.Dot);
        this.sub(e, this.anyName());
      }
      this.take(e, T.Colon);
      this.sub(e, this.expression());
      return e;
    });
    this.take(n, T.RCurly);
    return n;
  }

  private apply(): CstNode {
    const n = node("apply");
    this.take(n, T.LParen);
    this.commaList(n, () => this.is(1, EXPR_START), this.startsExpression, () => this.expression());
    this.take(n, T.RParen);
    return n;
  }

  // ───────────── strings and placeholders ─────────────

  private string(): CstNode {
    const n = node("string");
    const t = this.type(1);
    const [text, end] = t === T.DqStart ? [T.DqText, T.DqEnd] : t === T.SqStart ? [T.SqText, T.SqEnd] : t === T.MlStart ? [T.MlText, T.MlEnd] : [undefined, undefined];
    if (text === undefined || end === undefined) throw GIVE_UP;
    this.take(n, t);
    for (;;) {
      const u = this.type(1);
      if (u === text) this.take(n, text);
      else if (u === T.TildeLCurly || u === T.DollarLCurly) this.sub(n, this.placeholder());
      else break;
    }
    this.take(n, end); // an unterminated string is left to the Chevrotain parser (and its diagnostics)
    return n;
  }

  private placeholder(): CstNode {
    const n = node("placeholder");
    this.takeAny(n);
    while ((this.is(1, IDENT) || this.type(1) === T.KwTrue || this.type(1) === T.KwFalse) && this.type(2) === T.Equals) {
      const o = node("placeholderOption");
      if (this.is(1, IDENT)) this.takeClass(o, IDENT, "Identifier");
      else this.takeAny(o);
      this.take(o, T.Equals);
      const v = this.type(1);
      if (v === T.DqStart || v === T.SqStart || v === T.MlStart) this.sub(o, this.string());
      else if (v === T.IntLiteral || v === T.FloatLiteral || v === T.KwTrue || v === T.KwFalse) this.takeAny(o);
      else throw GIVE_UP;
      this.sub(n, o);
    }
    this.sub(n, this.expression());
    this.take(n, T.RCurly);
    return n;
  }
}
