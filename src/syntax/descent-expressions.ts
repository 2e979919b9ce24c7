/**
 * The expression half of the hand-written parser (./descent-parser.ts adds
 * documents, sections and statements): token access, names, comma lists,
 * expressions, strings and placeholders, building the grammar's CST as
 * ./parser-expressions.ts does. Split only to keep each file readable; the
 * two classes form one parser.
 */
import type { CstNode, IToken, TokenType } from "chevrotain";
import type { CstChildren } from "./parser-expressions.js";
import * as T from "./tokens.js";

/** Thrown inside the parser when the input is not what a valid document holds there. */
export const GIVE_UP = new Error("not a valid chunk");

/** Token classes by token type index (see classes()). */
export const IDENT = 1;
export const KEYWORD = 2;
const BINARY = 4;
export const UNARY = 8;
/** Tokens that may start an expression (the grammar's FIRST set of `expression`). */
const EXPR_START = 16;
/** Tokens that may start a type. */
export const TYPE_START = 32;
export const TYPE_KEYWORD = 64;

let classTable: Uint8Array | undefined;

/** The class bits of every token type, computed on first use (the token categories are final by then). */
export function classes(): Uint8Array {
  const typeKeywords = [T.KwArray, T.KwBoolean, T.KwDirectory, T.KwFile, T.KwFloat, T.KwInt, T.KwMap, T.KwObjectType, T.KwPair, T.KwString];
  const exprStarts: TokenType[] = [
    T.UnaryOperator, T.IntLiteral, T.FloatLiteral, T.DqStart, T.SqStart, T.MlStart, T.LParen, T.LSquare, T.LCurly, T.Identifier, T.Keyword,
  ];
  return (classTable ??= T.tokenTypeTable((t) => {
    let bits = 0;
    if (T.isOf(t, T.Identifier)) bits |= IDENT | TYPE_START;
    if (T.isOf(t, T.Keyword)) bits |= KEYWORD;
    if (T.isOf(t, T.BinaryOperator)) bits |= BINARY;
    if (T.isOf(t, T.UnaryOperator)) bits |= UNARY;
    if (exprStarts.some((s) => T.isOf(t, s))) bits |= EXPR_START;
    if (typeKeywords.includes(t)) bits |= TYPE_KEYWORD | TYPE_START;
    return bits;
  }));
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

export function node(name: string): CstNode {
  return { name, children: {} };
}

/** Token access and the expression rules; see ./descent-parser.ts for the rest of the grammar. */
export abstract class DescentExpressions {
  protected pos = 0;
  protected readonly eof: IToken;

  constructor(
    protected readonly tokens: readonly IToken[],
    protected readonly cls: Uint8Array,
  ) {
    this.eof = { tokenType: T.Stray, tokenTypeIdx: -1, image: "", startOffset: NaN } as unknown as IToken;
  }

  // ───────────── token access ─────────────

  protected la(k: number): IToken {
    return this.tokens[this.pos + k - 1] ?? this.eof;
  }

  protected type(k: number): TokenType {
    return this.la(k).tokenType;
  }

  protected is(k: number, bits: number): boolean {
    const idx = this.la(k).tokenTypeIdx;
    return idx >= 0 && (this.cls[idx]! & bits) !== 0;
  }

  /** Consumes a token of type `t` (exactly) under `t`'s name. */
  protected take(n: CstNode, t: TokenType): void {
    const tok = this.tokens[this.pos];
    if (tok === undefined || tok.tokenType !== t) throw GIVE_UP;
    this.pos++;
    addChild(n, t.name, tok);
  }

  /** Consumes a token of class `bits` under the category's name `key`. */
  protected takeClass(n: CstNode, bits: number, key: string): void {
    if (!this.is(1, bits)) throw GIVE_UP;
    addChild(n, key, this.tokens[this.pos++]!);
  }

  /** Consumes the next token (already checked) under its own type's name. */
  protected takeAny(n: CstNode): void {
    const tok = this.tokens[this.pos++]!;
    addChild(n, tok.tokenType.name, tok);
  }

  protected sub(n: CstNode, child: CstNode): void {
    addChild(n, child.name, child);
  }

  protected anyName(): CstNode {
    const n = node("anyName");
    if (this.is(1, IDENT)) this.takeClass(n, IDENT, "Identifier");
    else this.takeClass(n, KEYWORD, "Keyword");
    return n;
  }

  /**
   * `item (',' item)* ','?` (the grammar's commaList): a first item when one
   * starts here, another after each comma followed by a token that starts one,
   * then an optional trailing comma.
   */
  protected commaList(n: CstNode, startsHere: () => boolean, startsAt: (k: number) => boolean, item: () => CstNode): void {
    if (!startsHere()) return;
    this.sub(n, item());
    while (this.type(1) === T.Comma && startsAt(2)) {
      this.take(n, T.Comma);
      this.sub(n, item());
    }
    if (this.type(1) === T.Comma) this.take(n, T.Comma);
  }

  // ───────────── expressions ─────────────

  protected expression(): CstNode {
    const n = node("expression");
    this.operand(n);
    while (this.is(1, BINARY)) {
      this.takeClass(n, BINARY, "BinaryOperator");
      this.operand(n);
    }
    return n;
  }

  /** One operand, its tokens and nodes added to the expression's node (the grammar inlines operands). */
  protected operand(n: CstNode): void {
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
  protected keywordIsName(): boolean {
    if (expressionKeywords.has(this.type(1))) return false;
    return continuesExpression.has(this.type(2)) || this.is(2, BINARY);
  }

  protected ifThenElse(): CstNode {
    const n = node("ifThenElse");
    this.take(n, T.KwIf);
    this.sub(n, this.expression());
    this.take(n, T.KwThen);
    this.sub(n, this.expression());
    this.take(n, T.KwElse);
    this.sub(n, this.expression());
    return n;
  }

  protected groupOrPair(): CstNode {
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

  protected readonly startsExpression = (k: number): boolean => this.is(k, EXPR_START);

  protected arrayLiteral(): CstNode {
    const n = node("arrayLiteral");
    this.take(n, T.LSquare);
    this.commaList(n, () => this.is(1, EXPR_START), this.startsExpression, () => this.expression());
    this.take(n, T.RSquare);
    return n;
  }

  protected mapLiteral(): CstNode {
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

  protected objectLiteral(): CstNode {
    const n = node("objectLiteral");
    this.take(n, T.KwObject);
    this.sub(n, this.memberInitBlock());
    return n;
  }

  protected structLiteral(): CstNode {
    const n = node("structLiteral");
    this.sub(n, this.memberInitBlock());
    return n;
  }

  protected startsMemberInit(k: number): boolean {
    const t = this.type(k);
    return this.is(k, IDENT | KEYWORD) || t === T.DqStart || t === T.SqStart || t === T.MlStart;
  }

  protected memberInitBlock(): CstNode {
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

  protected hintsLiteral(): CstNode {
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

  protected apply(): CstNode {
    const n = node("apply");
    this.take(n, T.LParen);
    this.commaList(n, () => this.is(1, EXPR_START), this.startsExpression, () => this.expression());
    this.take(n, T.RParen);
    return n;
  }

  // ───────────── strings and placeholders ─────────────

  protected string(): CstNode {
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

  protected placeholder(): CstNode {
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
