/**
 * The WDL grammar as a Chevrotain CstParser (rules as class properties, no
 * embedded actions). Rule names follow the spec's terms; grammar/wdl.ebnf is
 * the same grammar written out. Binary operators are parsed as a flat
 * sequence (`expression := operand (BinaryOperator operand)*`)
 * and the AST builder applies the spec's precedence table, which keeps the
 * CST shallow and the parser fast.
 *
 * One parser instance is built once (see `wdlParser`) and reused for every
 * document; it is not re-entrant, which is fine on Node's single thread.
 */
import { CstParser, EOF, type CstNode, type IOrAlt, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";
import { errorMessageProvider } from "./parse-errors.js";

/** Token types that may follow `env` when `env` is the modifier (rather than a struct named `env`). */
const typeKeywordTokens: readonly TokenType[] = [
  T.KwArray, T.KwBoolean, T.KwDirectory, T.KwFile, T.KwFloat, T.KwInt, T.KwMap, T.KwObjectType, T.KwPair, T.KwString,
];

/** The WDL parser. Use the shared instance `wdlParser`. */
export class WdlParser extends CstParser {
  /**
   * Each OR's alternatives, built on first use and reused: allocating the
   * alternative objects on every call is a large share of parsing time.
   */
  private readonly alternatives: IOrAlt<unknown>[][] = [];
  /** Likewise for the bodies of MANY / OPTION / AT_LEAST_ONE. */
  private readonly actions: (() => void)[] = [];

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider });
    this.performSelfAnalysis();
  }

  // ───────────── document ─────────────

  /** document := version? (import | struct | task | workflow)* */
  readonly document = this.RULE("document", () => {
    this.OPTION((this.actions[0] ??= () => this.SUBRULE(this.version)));
    this.MANY((this.actions[1] ??= () => {
      this.OR((this.alternatives[0] ??= [
        { ALT: () => this.SUBRULE(this.importStatement) },
        { ALT: () => this.SUBRULE(this.structDefinition) },
        { ALT: () => this.SUBRULE(this.taskDefinition) },
        { ALT: () => this.SUBRULE(this.workflowDefinition) },
        // Misplaced body elements, stray tokens and stray braces: reported by the AST builder.
        { ALT: () => this.SUBRULE(this.bodyElement) },
        { ALT: () => this.CONSUME(T.RCurly) },
      ]));
    }));
  });

  /** version := 'version' (Float | Int | Identifier) */
  readonly version = this.RULE("version", () => {
    this.CONSUME(T.KwVersion);
    this.OPTION((this.actions[2] ??= () => {
      this.OR((this.alternatives[1] ??= [
        { ALT: () => this.CONSUME(T.FloatLiteral) },
        { ALT: () => this.CONSUME(T.IntLiteral) },
        { ALT: () => this.CONSUME(T.Identifier) },
      ]));
    }));
  });

  /** Tokens that cannot start anything here; reported by the AST builder as one diagnostic per run. */
  readonly stray = this.RULE("stray", () => {
    this.AT_LEAST_ONE((this.actions[3] ??= () => this.CONSUME(T.Stray)));
  });

  /** import := 'import' string ('as' Identifier)? ('alias' Identifier 'as' Identifier)* */
  readonly importStatement = this.RULE("importStatement", () => {
    this.CONSUME(T.KwImport);
    this.SUBRULE(this.string);
    this.OPTION((this.actions[4] ??= () => {
      this.CONSUME(T.KwAs);
      this.CONSUME(T.Identifier);
    }));
    this.MANY((this.actions[5] ??= () => this.SUBRULE(this.importAlias)));
  });

  readonly importAlias = this.RULE("importAlias", () => {
    this.CONSUME(T.KwAlias);
    this.CONSUME1(T.Identifier);
    this.CONSUME(T.KwAs);
    this.CONSUME2(T.Identifier);
  });

  /** struct := 'struct' Identifier '{' bodyElement* '}' (members, meta, parameter_meta) */
  readonly structDefinition = this.RULE("structDefinition", () => {
    this.CONSUME(T.KwStruct);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.body);
  });

  /** task := 'task' Identifier '{' bodyElement* '}' */
  readonly taskDefinition = this.RULE("taskDefinition", () => {
    this.CONSUME(T.KwTask);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.body);
  });

  /** workflow := 'workflow' Identifier '{' bodyElement* '}' */
  readonly workflowDefinition = this.RULE("workflowDefinition", () => {
    this.CONSUME(T.KwWorkflow);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.body);
  });

  /**
   * The braces of a struct, task, workflow, scatter or conditional. All bodies
   * accept every element; the AST builder says which ones are not allowed where.
   */
  readonly body = this.RULE("body", () => {
    this.CONSUME(T.LCurly);
    this.MANY((this.actions[6] ??= () => this.SUBRULE(this.bodyElement)));
    this.CONSUME(T.RCurly);
  });

  readonly bodyElement = this.RULE("bodyElement", () => {
    this.OR((this.alternatives[2] ??= [
      { ALT: () => this.SUBRULE(this.inputSection) },
      { ALT: () => this.SUBRULE(this.outputSection) },
      { ALT: () => this.SUBRULE(this.commandSection) },
      { ALT: () => this.SUBRULE(this.requirementsSection) },
      { ALT: () => this.SUBRULE(this.hintsSection) },
      { ALT: () => this.SUBRULE(this.runtimeSection) },
      { ALT: () => this.SUBRULE(this.metaSection) },
      { ALT: () => this.SUBRULE(this.parameterMetaSection) },
      { ALT: () => this.SUBRULE(this.callStatement) },
      { ALT: () => this.SUBRULE(this.scatterStatement) },
      { ALT: () => this.SUBRULE(this.conditionalStatement) },
      { ALT: () => this.SUBRULE(this.declaration) },
      { ALT: () => this.SUBRULE(this.stray) },
    ]));
  });

  // ───────────── sections ─────────────

  /** input := 'input' '{' declaration* '}' */
  readonly inputSection = this.RULE("inputSection", () => {
    this.CONSUME(T.KwInput);
    this.SUBRULE(this.declarationBlock);
  });

  /** output := 'output' '{' declaration* '}' */
  readonly outputSection = this.RULE("outputSection", () => {
    this.CONSUME(T.KwOutput);
    this.SUBRULE(this.declarationBlock);
  });

  readonly declarationBlock = this.RULE("declarationBlock", () => {
    this.CONSUME(T.LCurly);
    this.MANY((this.actions[7] ??= () => {
      this.OR((this.alternatives[3] ??= [{ ALT: () => this.SUBRULE(this.declaration) }, { ALT: () => this.SUBRULE(this.stray) }]));
    }));
    this.CONSUME(T.RCurly);
  });

  /** command := 'command' '<<<' (text | placeholder)* '>>>' | 'command' '{' (text | placeholder)* '}' */
  readonly commandSection = this.RULE("commandSection", () => {
    this.OR((this.alternatives[4] ??= [
      {
        ALT: () => {
          this.CONSUME(T.CommandHeredocStart);
          this.MANY((this.actions[8] ??= () => {
            this.OR1([{ ALT: () => this.CONSUME(T.HeredocText) }, { ALT: () => this.SUBRULE(this.placeholder) }]);
          }));
          this.CONSUME(T.HeredocEnd);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.CommandBraceStart);
          this.MANY1((this.actions[9] ??= () => {
            this.OR2([
              { ALT: () => this.CONSUME(T.BraceCommandText) },
              { ALT: () => this.SUBRULE1(this.placeholder) },
            ]);
          }));
          this.CONSUME(T.BraceCommandEnd);
        },
      },
    ]));
  });

  /** requirements := 'requirements' '{' keyValue* '}' */
  readonly requirementsSection = this.RULE("requirementsSection", () => {
    this.CONSUME(T.KwRequirements);
    this.SUBRULE(this.keyValueBlock);
  });

  /** hints := 'hints' '{' keyValue* '}' */
  readonly hintsSection = this.RULE("hintsSection", () => {
    this.CONSUME(T.KwHints);
    this.SUBRULE(this.keyValueBlock);
  });

  /** runtime := 'runtime' '{' keyValue* '}' */
  readonly runtimeSection = this.RULE("runtimeSection", () => {
    this.CONSUME(T.KwRuntime);
    this.SUBRULE(this.keyValueBlock);
  });

  /** Entries are separated by line breaks; a comma between them is tolerated. */
  readonly keyValueBlock = this.RULE("keyValueBlock", () => {
    this.CONSUME(T.LCurly);
    this.MANY((this.actions[10] ??= () => {
      this.SUBRULE(this.keyValue);
      this.OPTION(() => this.CONSUME(T.Comma));
    }));
    this.CONSUME(T.RCurly);
  });

  /** keyValue := name ':' expression */
  readonly keyValue = this.RULE("keyValue", () => {
    this.SUBRULE(this.anyName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });

  /** A key that may also be a keyword (meta keys such as `version`, hint keys). */
  readonly anyName = this.RULE("anyName", () => {
    this.OR((this.alternatives[5] ??= [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]));
  });

  /** meta := 'meta' '{' metaKeyValue* '}' */
  readonly metaSection = this.RULE("metaSection", () => {
    this.CONSUME(T.KwMeta);
    this.SUBRULE(this.metaBlock);
  });

  /** parameter_meta := 'parameter_meta' '{' metaKeyValue* '}' */
  readonly parameterMetaSection = this.RULE("parameterMetaSection", () => {
    this.CONSUME(T.KwParameterMeta);
    this.SUBRULE(this.metaBlock);
  });

  /** Entries are separated by line breaks; a comma between them is tolerated. */
  readonly metaBlock = this.RULE("metaBlock", () => {
    this.CONSUME(T.LCurly);
    this.MANY((this.actions[11] ??= () => {
      this.SUBRULE(this.metaKeyValue);
      this.OPTION(() => this.CONSUME(T.Comma));
    }));
    this.CONSUME(T.RCurly);
  });

  /** metaKeyValue := name ':' metaValue */
  readonly metaKeyValue = this.RULE("metaKeyValue", () => {
    this.SUBRULE(this.anyName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.metaValue);
  });

  /** metaValue := 'null' | Boolean | '-'? number | string | metaArray | metaObject */
  readonly metaValue = this.RULE("metaValue", () => {
    this.OR((this.alternatives[6] ??= [
      { ALT: () => this.SUBRULE(this.string) },
      {
        ALT: () => {
          this.OPTION((this.actions[12] ??= () => this.CONSUME(T.UnaryOperator)));
          this.OR1([{ ALT: () => this.CONSUME(T.IntLiteral) }, { ALT: () => this.CONSUME(T.FloatLiteral) }]);
        },
      },
      { ALT: () => this.CONSUME(T.KwTrue) },
      { ALT: () => this.CONSUME(T.KwFalse) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.SUBRULE(this.metaArray) },
      { ALT: () => this.SUBRULE(this.metaObject) },
    ]));
  });

  readonly metaArray = this.RULE("metaArray", () => {
    this.CONSUME(T.LSquare);
    this.commaList(0, () => this.SUBRULE(this.metaValue), () => this.SUBRULE1(this.metaValue));
    this.CONSUME(T.RSquare);
  });

  /** metaObject := '{' (metaKeyValue ','?)* '}' */
  readonly metaObject = this.RULE("metaObject", () => {
    this.CONSUME(T.LCurly);
    this.MANY((this.actions[13] ??= () => {
      this.SUBRULE(this.metaKeyValue);
      this.OPTION(() => this.CONSUME(T.Comma));
    }));
    this.CONSUME(T.RCurly);
  });

  // ───────────── declarations and types ─────────────

  /** declaration := 'env'? type Identifier ('=' expression)? */
  readonly declaration = this.RULE("declaration", () => {
    this.OPTION({ GATE: () => this.envIsModifier(), DEF: () => this.CONSUME(T.KwEnv) });
    this.SUBRULE(this.type);
    this.OR((this.alternatives[7] ??= [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.KwIn) }]));
    this.OPTION1((this.actions[14] ??= () => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    }));
  });

  /** True when the `env` at LA(1) is the 1.2 modifier rather than a struct type named `env`. */
  private envIsModifier(): boolean {
    if (this.LA(1).tokenType !== T.KwEnv) return false;
    const next = this.LA(2).tokenType;
    if (typeKeywordTokens.includes(next)) return true;
    if (next !== T.Identifier) return false;
    const third = this.LA(3).tokenType;
    return third === T.Identifier || third === T.Question || third === T.LSquare;
  }

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
          this.OR1([{ ALT: () => this.CONSUME(T.KwMap) }, { ALT: () => this.CONSUME(T.KwPair) }]);
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

  // ───────────── workflow statements ─────────────

  /** call := 'call' Identifier ('.' Identifier)* ('as' Identifier)? callAfter* callBody? */
  readonly callStatement = this.RULE("callStatement", () => {
    this.CONSUME(T.KwCall);
    this.CONSUME(T.Identifier);
    this.MANY((this.actions[17] ??= () => {
      this.CONSUME(T.Dot);
      this.CONSUME1(T.Identifier);
    }));
    this.OPTION((this.actions[18] ??= () => {
      this.CONSUME(T.KwAs);
      this.CONSUME2(T.Identifier);
    }));
    this.MANY1((this.actions[19] ??= () => this.SUBRULE(this.callAfter)));
    this.OPTION1((this.actions[20] ??= () => this.SUBRULE(this.callBody)));
  });

  readonly callAfter = this.RULE("callAfter", () => {
    this.CONSUME(T.KwAfter);
    this.CONSUME(T.Identifier);
  });

  /** callBody := '{' ('input' ':')? (callInput (',' callInput)* ','?)? '}' */
  readonly callBody = this.RULE("callBody", () => {
    this.CONSUME(T.LCurly);
    this.OPTION((this.actions[21] ??= () => {
      this.CONSUME(T.KwInput);
      this.CONSUME(T.Colon);
    }));
    this.OPTION1((this.actions[22] ??= () => {
      this.SUBRULE(this.callInput);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE1(this.callInput);
      });
      this.OPTION2(() => this.CONSUME1(T.Comma));
    }));
    this.CONSUME(T.RCurly);
  });

  /** callInput := Identifier ('.' Identifier)* ('=' expression)?  (dotted names set nested inputs) */
  readonly callInput = this.RULE("callInput", () => {
    this.CONSUME(T.Identifier);
    this.MANY((this.actions[23] ??= () => {
      this.CONSUME(T.Dot);
      this.CONSUME1(T.Identifier);
    }));
    this.OPTION((this.actions[24] ??= () => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    }));
  });

  /** scatter := 'scatter' '(' Identifier 'in' expression ')' body */
  readonly scatterStatement = this.RULE("scatterStatement", () => {
    this.CONSUME(T.KwScatter);
    this.CONSUME(T.LParen);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.KwIn);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
  });

  /** conditional := 'if' '(' expression ')' body */
  readonly conditionalStatement = this.RULE("conditionalStatement", () => {
    this.CONSUME(T.KwIf);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
  });

  // ───────────── expressions ─────────────

  /**
   * expression := operand (BinaryOperator operand)*
   * operand    := ('!' | '-' | '+')* primary (memberAccess | indexAccess)*
   * primary    := Int | Float | 'true' | 'false' | 'None' | string | ifThenElse | groupOrPair | arrayLiteral
   *             | mapLiteral | objectLiteral | hintsLiteral | apply | structLiteral | Identifier | 'task' | 'in'
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
      { ALT: () => this.subrule(k, this.apply) },
      { ALT: () => this.subrule(k, this.structLiteral) },
      { ALT: () => this.consume(k, T.Identifier) },
      // `task` is the 1.2 implicit task variable (`task.name`); `in` is reserved but the spec's own examples use it as a name.
      { ALT: () => this.consume(k, T.KwTask) },
      { ALT: () => this.consume(k, T.KwIn) },
    ]));
    this.many(3 + k, (this.actions[40 + k] ??= () => {
      this.or(2 + k, (this.alternatives[9 + 10 * k] ??= [
        { ALT: () => this.subrule(k, this.memberAccess) },
        { ALT: () => this.subrule(k, this.indexAccess) },
      ]));
    }));
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
    this.commaList(1, () => this.SUBRULE(this.expression), () => this.SUBRULE1(this.expression));
    this.CONSUME(T.RSquare);
  });

  /** mapLiteral := '{' (expression ':' expression (',' …)* ','?)? '}' */
  readonly mapLiteral = this.RULE("mapLiteral", () => {
    this.CONSUME(T.LCurly);
    this.commaList(2, () => this.SUBRULE(this.mapEntry), () => this.SUBRULE1(this.mapEntry));
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

  /** structLiteral := Identifier '{' (memberInit (',' memberInit)* ','?)? '}' */
  readonly structLiteral = this.RULE("structLiteral", () => {
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.memberInitBlock);
  });

  readonly memberInitBlock = this.RULE("memberInitBlock", () => {
    this.CONSUME(T.LCurly);
    this.commaList(3, () => this.SUBRULE(this.memberInit), () => this.SUBRULE1(this.memberInit));
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
    this.commaList(4, () => this.SUBRULE(this.hintsEntry), () => this.SUBRULE1(this.hintsEntry));
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

  /** apply := Identifier '(' (expression (',' expression)* ','?)? ')' */
  readonly apply = this.RULE("apply", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.commaList(5, () => this.SUBRULE(this.expression), () => this.SUBRULE1(this.expression));
    this.CONSUME(T.RParen);
  });

  /** string := '"' (text | placeholder)* '"' | "'" … "'" | '<<<' (text | placeholder)* '>>>' */
  readonly string = this.RULE("string", () => {
    this.OR((this.alternatives[13] ??= [
      {
        ALT: () => {
          this.CONSUME(T.DqStart);
          this.MANY((this.actions[30] ??= () => {
            this.OR1([{ ALT: () => this.CONSUME(T.DqText) }, { ALT: () => this.SUBRULE(this.placeholder) }]);
          }));
          this.OR2([{ ALT: () => this.CONSUME(T.DqEnd) }, { ALT: () => this.CONSUME(T.UnterminatedString) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.SqStart);
          this.MANY1((this.actions[31] ??= () => {
            this.OR3([{ ALT: () => this.CONSUME(T.SqText) }, { ALT: () => this.SUBRULE1(this.placeholder) }]);
          }));
          this.OR4([{ ALT: () => this.CONSUME(T.SqEnd) }, { ALT: () => this.CONSUME1(T.UnterminatedString) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.MlStart);
          this.MANY2((this.actions[32] ??= () => {
            this.OR5([{ ALT: () => this.CONSUME(T.MlText) }, { ALT: () => this.SUBRULE2(this.placeholder) }]);
          }));
          this.CONSUME(T.MlEnd);
        },
      },
    ]));
  });

  /** placeholder := ('~{' | '${') placeholderOption* expression '}' */
  readonly placeholder = this.RULE("placeholder", () => {
    this.OR((this.alternatives[14] ??= [{ ALT: () => this.CONSUME(T.TildeLCurly) }, { ALT: () => this.CONSUME(T.DollarLCurly) }]));
    this.MANY({ GATE: () => this.LA(2).tokenType === T.Equals, DEF: () => this.SUBRULE(this.placeholderOption) });
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
   * `first (',' next)* ','?` — a comma-separated list allowing a trailing comma.
   * `site` identifies the call site: its closures are built once and reused.
   */
  private commaList(site: number, first: () => void, next: () => void): void {
    const key = 100 + 3 * site;
    this.OPTION9(
      (this.actions[key] ??= () => {
        first();
        this.MANY9((this.actions[key + 1] ??= () => {
          this.CONSUME9(T.Comma);
          next();
        }));
        this.OPTION8((this.actions[key + 2] ??= () => this.CONSUME8(T.Comma)));
      }),
    );
  }
}

/** The shared parser instance (building one costs milliseconds; parsing reuses it). */
export const wdlParser = new WdlParser();

/** Parses a token vector into the CST of a whole document. */
export function parseTokens(tokens: IToken[]): { cst: CstNode; errors: typeof wdlParser.errors } {
  wdlParser.input = tokens;
  const cst = wdlParser.document();
  return { cst, errors: wdlParser.errors };
}

export { EOF };
