/**
 * A hand-written recursive-descent parser for the WDL grammar of ./parser.ts,
 * for input without syntax errors: the common case, parsed here without the
 * Chevrotain parser's costs (building it: recording the grammar, lookahead
 * functions; then its generic rule machinery on every rule). Measured with
 * `npm run bench:check`: 1.03 → 0.89 s of CPU for ../shared/realworld.
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
 * parses that chunk with the recovering Chevrotain parser, which reports the
 * error. test/syntax/descent-parser.test.ts holds the two to the same CST on
 * every document of the corpora and on mutated ones.
 */
import type { CstNode, IToken, TokenType } from "chevrotain";
import { DescentExpressions, GIVE_UP, IDENT, KEYWORD, TYPE_KEYWORD, TYPE_START, UNARY, classes, node } from "./descent-expressions.js";
import * as T from "./tokens.js";

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

class DescentParser extends DescentExpressions {
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
}
