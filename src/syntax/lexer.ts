/**
 * A hand-written lexer for the token vocabulary of ./tokens.ts, for input
 * the lexer definition there reads without errors: the same tokens (types,
 * images, offsets, as Chevrotain's offset-only tokens). It lexes about as
 * fast as Chevrotain's lexer; what it saves is building that one, which
 * analyses the definition first (25 to 50 ms of CPU measured here, on every
 * `wdlrun check` and `wdlrun run` of a valid document). It follows the
 * definition's rules:
 * modes on a stack (`{`, `~{` and `${` push the main mode, strings and
 * commands their own, the closing token pops), whitespace and comments
 * skipped in the main mode only, and in each mode the first token type (in
 * the definition's order) that matches wins. The number, text and
 * command-opening patterns are taken from the definition itself; names,
 * punctuation, whitespace and comments are spelled out here, as char codes.
 *
 * Where the definition's lexer would report an error (a character no token
 * starts with, a `}` that closes nothing), this one gives up (`undefined`)
 * and parse.ts lexes the document with Chevrotain's lexer, which reports it.
 * test/syntax/lexer.test.ts holds the two to the same tokens.
 */
import type { IToken, TokenType } from "chevrotain";
import * as T from "./tokens.js";

type Mode = "main" | "dq" | "sq" | "ml" | "heredoc" | "braceCommand";

/** A sticky copy of a token type's pattern, to match at a given offset. */
function sticky(t: TokenType): RegExp {
  const p = t.PATTERN;
  if (!(p instanceof RegExp)) throw new Error(`token ${t.name} has no regular expression`);
  return new RegExp(p.source, "y");
}

const FLOAT = sticky(T.FloatLiteral);
const INT = sticky(T.IntLiteral);
const HEREDOC_START = sticky(T.CommandHeredocStart);
const BRACE_COMMAND_START = sticky(T.CommandBraceStart);
const DQ_TEXT = sticky(T.DqText);
const SQ_TEXT = sticky(T.SqText);
const ML_TEXT = sticky(T.MlText);
const HEREDOC_TEXT = sticky(T.HeredocText);
const BRACE_COMMAND_TEXT = sticky(T.BraceCommandText);

/** Thrown inside the lexer where the definition's lexer would report an error. */
const GIVE_UP = new Error("not a valid token stream");

/** The tokens of `text`, or undefined where Chevrotain's lexer would report an error. */
export function lexDirectly(text: string): IToken[] | undefined {
  try {
    return new DirectLexer(text).run();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class DirectLexer {
  private readonly tokens: IToken[] = [];
  private readonly modes: Mode[] = ["main"];
  private pos = 0;

  constructor(private readonly text: string) {}

  run(): IToken[] {
    const n = this.text.length;
    while (this.pos < n) {
      const mode = this.modes[this.modes.length - 1]!;
      switch (mode) {
        case "main":
          this.main();
          break;
        case "dq":
          this.quoted(34, T.DqEnd, DQ_TEXT, T.DqText);
          break;
        case "sq":
          this.quoted(39, T.SqEnd, SQ_TEXT, T.SqText);
          break;
        case "ml":
          this.enclosed(">>>", T.MlEnd, true, ML_TEXT, T.MlText);
          break;
        case "heredoc":
          this.enclosed(">>>", T.HeredocEnd, false, HEREDOC_TEXT, T.HeredocText);
          break;
        case "braceCommand":
          this.enclosed("}", T.BraceCommandEnd, true, BRACE_COMMAND_TEXT, T.BraceCommandText);
          break;
      }
    }
    return this.tokens;
  }

  private emit(type: TokenType, end: number): void {
    const start = this.pos;
    this.tokens.push({ image: this.text.slice(start, end), startOffset: start, tokenTypeIdx: type.tokenTypeIdx!, tokenType: type } as IToken);
    this.pos = end;
  }

  private push(mode: Mode): void {
    this.modes.push(mode);
  }

  private pop(): void {
    if (this.modes.length === 1) throw GIVE_UP; // a closing token that closes nothing: a lexer error there
    this.modes.pop();
  }

  /** The end of a sticky pattern's match at the current offset, or -1. */
  private match(re: RegExp): number {
    re.lastIndex = this.pos;
    return re.test(this.text) ? re.lastIndex : -1;
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  private main(): void {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    // Skipped: whitespace and comments.
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      let p = this.pos + 1;
      for (let d = text.charCodeAt(p); d === 32 || d === 9 || d === 10 || d === 13; d = text.charCodeAt(++p));
      this.pos = p;
      return;
    }
    if (c === 35) {
      let p = this.pos + 1;
      for (let d = text.charCodeAt(p); p < text.length && d !== 10 && d !== 13; d = text.charCodeAt(++p));
      this.pos = p;
      return;
    }
    if (c === 99 /* c */ && this.startsWith("command")) {
      const heredoc = this.match(HEREDOC_START);
      if (heredoc >= 0) {
        this.emit(T.CommandHeredocStart, heredoc);
        this.push("heredoc");
        return;
      }
      const brace = this.match(BRACE_COMMAND_START);
      if (brace >= 0) {
        this.emit(T.CommandBraceStart, brace);
        this.push("braceCommand");
        return;
      }
    }
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      let p = this.pos + 1;
      for (let d = text.charCodeAt(p); (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95; d = text.charCodeAt(++p));
      this.emit(T.Identifier, p);
      return;
    }
    if ((c >= 48 && c <= 57) || c === 46) {
      const float = this.match(FLOAT);
      if (float >= 0) return this.emit(T.FloatLiteral, float);
      if (c !== 46) {
        const int = this.match(INT);
        if (int >= 0) return this.emit(T.IntLiteral, int);
      }
      return this.emit(T.Dot, this.pos + 1);
    }
    const next = text.charCodeAt(this.pos + 1);
    const at = this.pos;
    switch (c) {
      case 60: // <
        if (this.startsWith("<<<")) {
          this.emit(T.MlStart, at + 3);
          return this.push("ml");
        }
        return next === 61 ? this.emit(T.LteOp, at + 2) : this.emit(T.LtOp, at + 1);
      case 34:
        this.emit(T.DqStart, at + 1);
        return this.push("dq");
      case 39:
        this.emit(T.SqStart, at + 1);
        return this.push("sq");
      case 123:
        this.emit(T.LCurly, at + 1);
        return this.push("main");
      case 125:
        this.emit(T.RCurly, at + 1);
        return this.pop();
      case 40:
        return this.emit(T.LParen, at + 1);
      case 41:
        return this.emit(T.RParen, at + 1);
      case 91:
        return this.emit(T.LSquare, at + 1);
      case 93:
        return this.emit(T.RSquare, at + 1);
      case 44:
        return this.emit(T.Comma, at + 1);
      case 58:
        return this.emit(T.Colon, at + 1);
      case 63:
        return this.emit(T.Question, at + 1);
      case 124: // |
        if (next === 124) return this.emit(T.OrOp, at + 2);
        throw GIVE_UP;
      case 38: // &
        if (next === 38) return this.emit(T.AndOp, at + 2);
        throw GIVE_UP;
      case 61: // =
        return next === 61 ? this.emit(T.EqOp, at + 2) : this.emit(T.Equals, at + 1);
      case 33: // !
        return next === 61 ? this.emit(T.NeqOp, at + 2) : this.emit(T.Not, at + 1);
      case 62: // >
        return next === 61 ? this.emit(T.GteOp, at + 2) : this.emit(T.GtOp, at + 1);
      case 43:
        return this.emit(T.Plus, at + 1);
      case 45:
        return this.emit(T.Minus, at + 1);
      case 42:
        return next === 42 ? this.emit(T.StarStar, at + 2) : this.emit(T.Star, at + 1);
      case 47:
        return this.emit(T.Slash, at + 1);
      case 37:
        return this.emit(T.Percent, at + 1);
      default:
        throw GIVE_UP; // no token starts with this character
    }
  }

  /** Inside `~{` or `${`: pushes the main mode for the placeholder; true when one starts here. */
  private placeholderStart(dollarToo: boolean): boolean {
    const c = this.text.charCodeAt(this.pos);
    if (this.text.charCodeAt(this.pos + 1) !== 123) return false;
    if (c === 126) this.emit(T.TildeLCurly, this.pos + 2);
    else if (c === 36 && dollarToo) this.emit(T.DollarLCurly, this.pos + 2);
    else return false;
    this.push("main");
    return true;
  }

  /** `"…"` and `'…'`: the end quote, a placeholder, text, or the line break that ends an unterminated string. */
  private quoted(quote: number, end: TokenType, textPattern: RegExp, textType: TokenType): void {
    const c = this.text.charCodeAt(this.pos);
    if (c === quote) {
      this.emit(end, this.pos + 1);
      return this.pop();
    }
    if (this.placeholderStart(true)) return;
    const t = this.match(textPattern);
    if (t >= 0) return this.emit(textType, t);
    if (c === 10 || (c === 13 && this.text.charCodeAt(this.pos + 1) === 10)) {
      this.emit(T.UnterminatedString, this.pos + (c === 13 ? 2 : 1));
      return this.pop();
    }
    throw GIVE_UP;
  }

  /**
   * The inside of `<<< … >>>` strings and of commands: the closing `end`, a
   * placeholder (`${` too when `dollarToo`), or text.
   */
  private enclosed(end: string, endType: TokenType, dollarToo: boolean, textPattern: RegExp, textType: TokenType): void {
    if (this.startsWith(end)) {
      this.emit(endType, this.pos + end.length);
      return this.pop();
    }
    if (this.placeholderStart(dollarToo)) return;
    const t = this.match(textPattern);
    if (t >= 0) return this.emit(textType, t);
    throw GIVE_UP;
  }
}
