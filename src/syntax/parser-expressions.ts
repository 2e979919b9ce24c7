/**
 * The expression half of the WDL grammar (expressions, strings, placeholders,
 * types): the base class of WdlParser (./parser.ts), which adds documents,
 * sections and statements and runs Chevrotain's self-analysis. Split only to
 * keep each file readable; the two classes form one grammar.
 */
import { CstParser, tokenMatcher, type CstElement, type CstNode, type DSLMethodOpts, type IOrAlt, type IParserConfig, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";

/**
 * The children of a CST node as this parser builds them (see cstPostTerminal below): under each key
 * one element, or an array once the key has several. Chevrotain's CstNode type says arrays only.
 */
export type CstChildren = Record<string, CstElement | CstElement[] | undefined>;

/** Adds `element` under `key` of `node`'s children: the element itself first, an array from the second on. */
function addChild(node: CstNode, key: string, element: CstElement): void {
  const children = node.children as CstChildren;
  const child = children[key];
  if (child === undefined) children[key] = element;
  else if (Array.isArray(child)) child.push(element);
  else children[key] = [child, element];
}

/** Keywords that begin an expression of their own, or belong to one (`if … then … else`): never a name. */
const expressionKeywords: ReadonlySet<TokenType> = new Set([T.KwTrue, T.KwFalse, T.KwNone, T.KwIf, T.KwThen, T.KwElse, T.KwTask, T.KwIn]);

/** Tokens (besides the binary operators) that may follow a name inside an expression. */
const continuesExpression: ReadonlySet<TokenType> = new Set([T.RCurly, T.RParen, T.RSquare, T.Comma, T.Dot, T.LSquare, T.KwThen, T.KwElse]);

/** Rules shared by every part of the grammar. Not usable on its own (no self-analysis). */
export abstract class WdlExpressionParser extends CstParser {
  /**
   * Each OR's alternatives, built on first use and reused: allocating the
   * alternative objects on every call is a large share of parsing time.
   * Indices are unique across both parser classes.
   */
  protected readonly alternatives: IOrAlt<unknown>[][] = [];
  /** Likewise for the bodies of MANY / OPTION / AT_LEAST_ONE. */
  protected readonly actions: (() => void)[] = [];
  /** Likewise for the options (with a gate) of a DSL method: the comma lists' MANY by call site (0–9), then others. */
  protected readonly gatedOptions: DSLMethodOpts<void>[] = [];
  /** The FIRST set of each comma list's item rule, by call site (see firstSet; computed on first use, after self-analysis). */
  private readonly itemStarts: boolean[][] = [];

  constructor(tokens: TokenType[], config: IParserConfig) {
    super(tokens, config);
  }

  /**
   * Starts the CST node of a rule (overrides Chevrotain's internal hook of the
   * same name, which makes `children` with Object.create(null): V8 keeps such
   * objects as hash tables, slower to build and to read than a plain object
   * literal. Children keys are rule and token names, never Object.prototype's.)
   */
  cstInvocationStateUpdate(name: string): void {
    (this as unknown as { CST_STACK: CstNode[] }).CST_STACK.push({ name, children: {} });
  }

  /**
   * Adds a consumed token to the CST node being built, and (below) a finished
   * sub-rule's node to its parent's: these override Chevrotain's hooks, which
   * put every child in an array under its key. Most keys hold one child, and
   * those arrays were a sixth of all the memory a parse allocates; here a key
   * holds its child itself until a second one comes. ./cst-to-ast/context.ts reads both forms.
   * (Node locations are not tracked, so the hooks have nothing else to do.)
   */
  cstPostTerminal(key: string, token: IToken): void {
    addChild(this.currentNode(), key, token);
  }

  cstPostNonTerminal(node: CstNode, ruleName: string): void {
    addChild(this.currentNode(), ruleName, node);
  }

  /** The CST node of the rule being parsed (Chevrotain's CST stack is not part of its typed API). */
  protected currentNode(): CstNode {
    const stack = (this as unknown as { CST_STACK: CstNode[] }).CST_STACK;
    return stack[stack.length - 1]!;
  }

  /** A key that may also be a keyword (meta keys such as `version`, hint keys). */
  readonly anyName = this.RULE("anyName", () => {
    this.OR((this.alternatives[5] ??= [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]));
  });


  /**
   * type := ('Array' '[' type ']' '+'? | 'Map' '[' type ',' type ']' | 'Pair' '[' type ',' type ']'
   *          | 'Object' | primitive | Identifier) '?'?
   */
  readonly type = this.RULE("type", () => {
    this.OR((this.alternatives[8] ??= [
      {
        ALT: () => {
          this.CONSUME(T.KwArray);
          this.CONSUME(T.LSquare);
          this.SUBRULE(this.type);
          this.CONSUME(T.RSquare);
          this.OPTION((this.actions[15] ??= () => this.CONSUME(T.Plus)));
        },
      },
      {
        ALT: () => {
          this.OR1((this.alternatives[30] ??= [{ ALT: () => this.CONSUME(T.KwMap) }, { ALT: () => this.CONSUME(T.KwPair) }]));
          this.CONSUME1(T.LSquare);
          this.SUBRULE1(this.type);
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.type);
          this.CONSUME1(T.RSquare);
        },
      },
      { ALT: () => this.CONSUME(T.KwObjectType) },
      { ALT: () => this.CONSUME(T.KwBoolean) },
      { ALT: () => this.CONSUME(T.KwInt) },
      { ALT: () => this.CONSUME(T.KwFloat) },
      { ALT: () => this.CONSUME(T.KwString) },
      { ALT: () => this.CONSUME(T.KwFile) },
      { ALT: () => this.CONSUME(T.KwDirectory) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]));
    this.OPTION1((this.actions[16] ??= () => this.CONSUME(T.Question)));
  });

  // ───────────── expressions ─────────────

  /**
   * expression := operand (BinaryOperator operand)*
   * operand    := ('!' | '-' | '+')* primary (memberAccess | indexAccess)*
   * primary    := Int | Float | 'true' | 'false' | 'None' | string | ifThenElse | groupOrPair | arrayLiteral
   *             | mapLiteral | objectLiteral | hintsLiteral | Identifier (apply | structLiteral)? | 'task' | 'in'
   * Operands and primaries are inlined (one CST node per expression, not three per operand); the AST
   * builder splits the operands at the binary operators and applies the precedence table.
   */
  readonly expression = this.RULE("expression", () => {
    this.operand(0);
    this.MANY((this.actions[25] ??= () => {
      this.CONSUME(T.BinaryOperator);
      this.operand(1);
    }));
  });

  /** One operand of an expression; `k` (0 or 1) keeps the two call sites' DSL occurrence indices apart. */
  private operand(k: 0 | 1): void {
    this.many(1 + k, (this.actions[26 + k] ??= () => this.consume(k, T.UnaryOperator)));
    this.or(k, (this.alternatives[10 + 10 * k] ??= [
      { ALT: () => this.consume(k, T.IntLiteral) },
      { ALT: () => this.consume(k, T.FloatLiteral) },
      { ALT: () => this.consume(k, T.KwTrue) },
      { ALT: () => this.consume(k, T.KwFalse) },
      { ALT: () => this.consume(k, T.KwNone) },
      { ALT: () => this.subrule(k, this.string) },
      { ALT: () => this.subrule(k, this.ifThenElse) },
      { ALT: () => this.subrule(k, this.groupOrPair) },
      { ALT: () => this.subrule(k, this.arrayLiteral) },
      { ALT: () => this.subrule(k, this.mapLiteral) },
      { ALT: () => this.subrule(k, this.objectLiteral) },
      { ALT: () => this.subrule(k, this.hintsLiteral) },
      // A name, a call (`f(…)`: apply) or a struct literal (`S { … }`). The name is consumed here, before
      // the choice, so that every alternative of this OR is chosen by one token of lookahead.
      {
        ALT: () => {
          this.consume(k, T.Identifier);
          this.option(k, (this.actions[42 + k] ??= () => {
            this.or(4 + k, (this.alternatives[21 + k] ??= [
              { ALT: () => this.subrule(k, this.apply) },
              { ALT: () => this.subrule(k, this.structLiteral) },
            ]));
          }));
        },
      },
      // `task` is the 1.2 implicit task variable (`task.name`); `in` is reserved but the spec's own examples use it as a name.
      { ALT: () => this.consume(k, T.KwTask) },
      { ALT: () => this.consume(k, T.KwIn) },
      // Any other keyword where it can only be a name (`~{input}` after `File input`): a reference to the
      // misnamed declaration, whose own error is the one reported (see keywordIsName).
      { GATE: () => this.keywordIsName(), ALT: () => this.consume(k, T.Keyword), IGNORE_AMBIGUITIES: true },
    ]));
    this.many(3 + k, (this.actions[40 + k] ??= () => {
      this.or(2 + k, (this.alternatives[9 + 10 * k] ??= [
        { ALT: () => this.subrule(k, this.memberAccess) },
        { ALT: () => this.subrule(k, this.indexAccess) },
      ]));
    }));
  }

  /**
   * True when the keyword at LA(1) can only be a name: it begins no expression form of its own and the
   * next token continues an expression (an operator, a closing bracket, a comma, `.`, `[`, `then`,
   * `else`), so no section or statement (`input {`, `call x`, `command <<<`) is read as a name.
   */
  private keywordIsName(): boolean {
    if (expressionKeywords.has(this.LA(1).tokenType)) return false;
    const next = this.LA(2).tokenType;
    return continuesExpression.has(next) || tokenMatcher(this.LA(2), T.BinaryOperator);
  }

  readonly memberAccess = this.RULE("memberAccess", () => {
    this.CONSUME(T.Dot);
    // Any keyword: `pair.left`, and members of the 1.2 `task` variable such as `task.meta`.
    this.OR((this.alternatives[17] ??= [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]));
  });

  readonly indexAccess = this.RULE("indexAccess", () => {
    this.CONSUME(T.LSquare);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RSquare);
  });


  /** ifThenElse := 'if' expression 'then' expression 'else' expression */
  readonly ifThenElse = this.RULE("ifThenElse", () => {
    this.CONSUME(T.KwIf);
    this.SUBRULE(this.expression);
    this.CONSUME(T.KwThen);
    this.SUBRULE1(this.expression);
    this.CONSUME(T.KwElse);
    this.SUBRULE2(this.expression);
  });

  /** groupOrPair := '(' expression (',' expression)? ')' */
  readonly groupOrPair = this.RULE("groupOrPair", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.OPTION((this.actions[28] ??= () => {
      this.CONSUME(T.Comma);
      this.SUBRULE1(this.expression);
    }));
    this.CONSUME(T.RParen);
  });

  /** arrayLiteral := '[' (expression (',' expression)* ','?)? ']' */
  readonly arrayLiteral = this.RULE("arrayLiteral", () => {
    this.CONSUME(T.LSquare);
    this.commaList(1, "expression", () => this.SUBRULE(this.expression), () => this.SUBRULE1(this.expression));
    this.CONSUME(T.RSquare);
  });

  /** mapLiteral := '{' (expression ':' expression (',' …)* ','?)? '}' */
  readonly mapLiteral = this.RULE("mapLiteral", () => {
    this.CONSUME(T.LCurly);
    this.commaList(2, "mapEntry", () => this.SUBRULE(this.mapEntry), () => this.SUBRULE1(this.mapEntry));
    this.CONSUME(T.RCurly);
  });

  readonly mapEntry = this.RULE("mapEntry", () => {
    this.SUBRULE(this.expression);
    this.CONSUME(T.Colon);
    this.SUBRULE1(this.expression);
  });

  /** objectLiteral := 'object' '{' (memberInit (',' memberInit)* ','?)? '}' */
  readonly objectLiteral = this.RULE("objectLiteral", () => {
    this.CONSUME(T.KwObject);
    this.SUBRULE(this.memberInitBlock);
  });

  /** structLiteral := memberInitBlock  (after the struct's name, which the operand consumes) */
  readonly structLiteral = this.RULE("structLiteral", () => {
    this.SUBRULE(this.memberInitBlock);
  });

  readonly memberInitBlock = this.RULE("memberInitBlock", () => {
    this.CONSUME(T.LCurly);
    this.commaList(3, "memberInit", () => this.SUBRULE(this.memberInit), () => this.SUBRULE1(this.memberInit));
    this.CONSUME(T.RCurly);
  });

  /** memberInit := (name | string) ':' expression  (quoted member names are accepted, as in 1.0 object literals) */
  readonly memberInit = this.RULE("memberInit", () => {
    this.OR((this.alternatives[11] ??= [{ ALT: () => this.SUBRULE(this.anyName) }, { ALT: () => this.SUBRULE(this.string) }]));
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  /** hintsLiteral := ('hints' | 'input' | 'output') '{' (hintsEntry (',' hintsEntry)* ','?)? '}' */
  readonly hintsLiteral = this.RULE("hintsLiteral", () => {
    this.OR((this.alternatives[12] ??= [
      { ALT: () => this.CONSUME(T.KwHints) },
      { ALT: () => this.CONSUME(T.KwInput) },
      { ALT: () => this.CONSUME(T.KwOutput) },
    ]));
    this.CONSUME(T.LCurly);
    this.commaList(4, "hintsEntry", () => this.SUBRULE(this.hintsEntry), () => this.SUBRULE1(this.hintsEntry));
    this.CONSUME(T.RCurly);
  });

  /** hintsEntry := name ('.' name)* ':' expression */
  readonly hintsEntry = this.RULE("hintsEntry", () => {
    this.SUBRULE(this.anyName);
    this.MANY((this.actions[29] ??= () => {
      this.CONSUME(T.Dot);
      this.SUBRULE1(this.anyName);
    }));
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  /** apply := '(' (expression (',' expression)* ','?)? ')'  (after the function's name, which the operand consumes) */
  readonly apply = this.RULE("apply", () => {
    this.CONSUME(T.LParen);
    this.commaList(5, "expression", () => this.SUBRULE(this.expression), () => this.SUBRULE1(this.expression));
    this.CONSUME(T.RParen);
  });

  /** string := '"' (text | placeholder)* '"' | "'" … "'" | '<<<' (text | placeholder)* '>>>' */
  readonly string = this.RULE("string", () => {
    this.OR((this.alternatives[13] ??= [
      {
        ALT: () => {
          this.CONSUME(T.DqStart);
          this.MANY((this.actions[30] ??= () => {
            this.OR1((this.alternatives[31] ??= [{ ALT: () => this.CONSUME(T.DqText) }, { ALT: () => this.SUBRULE(this.placeholder) }]));
          }));
          this.OR2((this.alternatives[32] ??= [{ ALT: () => this.CONSUME(T.DqEnd) }, { ALT: () => this.CONSUME(T.UnterminatedString) }]));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.SqStart);
          this.MANY1((this.actions[31] ??= () => {
            this.OR3((this.alternatives[33] ??= [{ ALT: () => this.CONSUME(T.SqText) }, { ALT: () => this.SUBRULE1(this.placeholder) }]));
          }));
          this.OR4((this.alternatives[34] ??= [{ ALT: () => this.CONSUME(T.SqEnd) }, { ALT: () => this.CONSUME1(T.UnterminatedString) }]));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.MlStart);
          this.MANY2((this.actions[32] ??= () => {
            this.OR5((this.alternatives[35] ??= [{ ALT: () => this.CONSUME(T.MlText) }, { ALT: () => this.SUBRULE2(this.placeholder) }]));
          }));
          this.CONSUME(T.MlEnd);
        },
      },
    ]));
  });

  /** placeholder := ('~{' | '${') placeholderOption* expression '}' */
  readonly placeholder = this.RULE("placeholder", () => {
    this.OR((this.alternatives[14] ??= [{ ALT: () => this.CONSUME(T.TildeLCurly) }, { ALT: () => this.CONSUME(T.DollarLCurly) }]));
    // An option is a name and '=' (the gate says '='; one token of automatic lookahead says the name).
    this.MANY((this.gatedOptions[10] ??= { MAX_LOOKAHEAD: 1, GATE: () => this.LA(2).tokenType === T.Equals, DEF: () => this.SUBRULE(this.placeholderOption) }));
    this.SUBRULE(this.expression);
    this.CONSUME(T.RCurly);
  });

  /** placeholderOption := ('sep' | 'true' | 'false' | 'default') '=' (string | number | Boolean) */
  readonly placeholderOption = this.RULE("placeholderOption", () => {
    this.OR((this.alternatives[15] ??= [
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.KwTrue) },
      { ALT: () => this.CONSUME(T.KwFalse) },
    ]));
    this.CONSUME(T.Equals);
    this.OR1((this.alternatives[16] ??= [
      { ALT: () => this.SUBRULE(this.string) },
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.FloatLiteral) },
      { ALT: () => this.CONSUME1(T.KwTrue) },
      { ALT: () => this.CONSUME1(T.KwFalse) },
    ]));
  });

  /**
   * `first (',' next)* ','?` — a comma-separated list of `item`s allowing a
   * trailing comma. `site` identifies the call site: its closures are built
   * once and reused.
   */
  protected commaList(site: number, item: string, first: () => void, next: () => void): void {
    const key = 100 + 3 * site;
    this.OPTION9(
      (this.actions[key] ??= () => {
        first();
        // Another item follows when a comma and a token that can start an item come next. Said with a
        // gate on the second token, instead of Chevrotain's two-token lookahead, which tries each of the
        // tokens that can start an item (about twenty for an expression) in turn on every comma.
        this.MANY9((this.gatedOptions[site] ??= {
          MAX_LOOKAHEAD: 1,
          GATE: () => (this.itemStarts[site] ??= this.firstSet(item))[this.LA(2).tokenTypeIdx] === true,
          DEF: () => {
            this.CONSUME9(T.Comma);
            next();
          },
        }));
        this.OPTION8((this.actions[key + 2] ??= () => this.CONSUME8(T.Comma)));
      }),
    );
  }

  /** By token type index: true for the tokens that can start rule `item` (its FIRST set, categories included). */
  private firstSet(item: string): boolean[] {
    const starts: boolean[] = [];
    for (const path of this.computeContentAssist(item, [])) {
      const t = path.nextTokenType;
      starts[t.tokenTypeIdx!] = true;
      for (const idx of (t as { categoryMatches?: number[] }).categoryMatches ?? []) starts[idx] = true;
    }
    return starts;
  }
}
