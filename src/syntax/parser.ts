/**
 * The WDL grammar as a Chevrotain CstParser (rules as class properties, no
 * embedded actions): documents, sections and statements here, expressions,
 * strings and types in ./parser-expressions.ts (the base class). Rule names follow the spec's terms; grammar/wdl.ebnf is
 * the same grammar written out. Binary operators are parsed as a flat
 * sequence (`expression := operand (BinaryOperator operand)*`)
 * and the AST builder applies the spec's precedence table, which keeps the
 * CST shallow and the parser fast.
 *
 * Valid input is parsed by the hand-written ./descent-parser.ts, which builds
 * the same CST; this grammar is the authority it is held to, and parses what
 * that parser gives up on. Two instances are built on first use and reused
 * for every document (they are not re-entrant, which is fine on Node's single
 * thread): `recoveringParser()`, with error recovery, which parses a chunk
 * that has errors and gives the diagnostics, and `fastParser()`, without.
 */
import { EOF, tokenMatcher, type CstNode, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import { WdlExpressionParser } from "./parser-expressions.js";
import * as T from "./tokens.js";
import { errorMessageProvider } from "./parse-errors.js";
import { LazyLookahead } from "./lazy-lookahead.js";

/** Token types that may follow `env` when `env` is the modifier (rather than a struct named `env`). */
const typeKeywordTokens: readonly TokenType[] = [
  T.KwArray, T.KwBoolean, T.KwDirectory, T.KwFile, T.KwFloat, T.KwInt, T.KwMap, T.KwObjectType, T.KwPair, T.KwString,
];

/** The WDL parser. Use the shared instances `fastParser` and `recoveringParser()`. */
export class WdlParser extends WdlExpressionParser {
  /**
   * @param validate run Chevrotain's grammar checks (ambiguities, left
   *   recursion, …) while building: they cost start-up time on every
   *   invocation and can only fail when the grammar changes, so the shared
   *   instances skip them and test/syntax/grammar-validation.test.ts runs them.
   */
  constructor(recovery: boolean, validate = false) {
    super(T.allTokens, { recoveryEnabled: recovery, maxLookahead: 2, lookaheadStrategy: new LazyLookahead(2), errorMessageProvider, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  /** Parses `tokens` (one top-level chunk) as a `document`. */
  parseChunk(tokens: IToken[]): { cst: CstNode; errors: IRecognitionException[] } {
    this.input = tokens;
    const cst = this.document();
    const errors = this.errors;
    // Let go of the tokens: a shared parser would otherwise keep the last chunk alive until the next parse.
    this.input = [];
    return { cst, errors };
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
        // `enum Name {` or `enum Name[`: an enum definition; any other `enum` is a name (a misplaced declaration).
        { GATE: () => this.startsEnum(), ALT: () => this.SUBRULE(this.enumDefinition), IGNORE_AMBIGUITIES: true },
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

  /** enum := 'enum' Identifier ('[' type ']')? '{' (enumChoice ','?)* '}'  (WDL 1.3) */
  readonly enumDefinition = this.RULE("enumDefinition", () => {
    this.CONSUME(T.KwEnum);
    this.CONSUME(T.Identifier);
    this.OPTION((this.actions[62] ??= () => {
      this.CONSUME(T.LSquare);
      this.SUBRULE(this.type);
      this.CONSUME(T.RSquare);
    }));
    this.CONSUME(T.LCurly);
    this.MANY((this.actions[63] ??= () => {
      this.SUBRULE(this.enumChoice);
      this.OPTION1((this.actions[64] ??= () => this.CONSUME(T.Comma)));
    }));
    this.CONSUME(T.RCurly);
  });

  /** enumChoice := Identifier ('=' expression)? */
  readonly enumChoice = this.RULE("enumChoice", () => {
    this.CONSUME(T.Identifier);
    this.OPTION((this.actions[65] ??= () => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    }));
  });

  /** True at `enum Name {` or `enum Name[`. */
  private startsEnum(): boolean {
    if (this.LA(1).tokenType !== T.KwEnum || !tokenMatcher(this.LA(2), T.Identifier)) return false;
    const third = this.LA(3).tokenType;
    return third === T.LCurly || third === T.LSquare;
  }

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
            this.OR1((this.alternatives[36] ??= [{ ALT: () => this.CONSUME(T.HeredocText) }, { ALT: () => this.SUBRULE(this.placeholder) }]));
          }));
          this.CONSUME(T.HeredocEnd);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.CommandBraceStart);
          this.MANY1((this.actions[9] ??= () => {
            this.OR2((this.alternatives[37] ??= [
              { ALT: () => this.CONSUME(T.BraceCommandText) },
              { ALT: () => this.SUBRULE1(this.placeholder) },
            ]));
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
      this.OPTION((this.actions[33] ??= () => this.CONSUME(T.Comma)));
    }));
    this.CONSUME(T.RCurly);
  });

  /** keyValue := name ':' expression */
  readonly keyValue = this.RULE("keyValue", () => {
    this.SUBRULE(this.anyName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
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
      this.OPTION((this.actions[34] ??= () => this.CONSUME(T.Comma)));
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
          this.OR1((this.alternatives[38] ??= [{ ALT: () => this.CONSUME(T.IntLiteral) }, { ALT: () => this.CONSUME(T.FloatLiteral) }]));
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
    this.commaList(0, "metaValue", () => this.SUBRULE(this.metaValue), () => this.SUBRULE1(this.metaValue));
    this.CONSUME(T.RSquare);
  });

  /** metaObject := '{' (metaKeyValue ','?)* '}' */
  readonly metaObject = this.RULE("metaObject", () => {
    this.CONSUME(T.LCurly);
    this.MANY((this.actions[13] ??= () => {
      this.SUBRULE(this.metaKeyValue);
      this.OPTION((this.actions[35] ??= () => this.CONSUME(T.Comma)));
    }));
    this.CONSUME(T.RCurly);
  });

  // ───────────── declarations and types ─────────────

  /**
   * declaration := 'env'? type (Identifier | Keyword) ('=' expression)?
   * A reserved keyword in the name's place is taken as the name (the AST builder reports it: `in` as a
   * leniency, any other as an error), so that one misnamed declaration (`File input`) gives one error
   * instead of the section the keyword would begin swallowing the rest of the body.
   */
  readonly declaration = this.RULE("declaration", () => {
    this.OPTION((this.gatedOptions[11] ??= { GATE: () => this.envIsModifier(), DEF: () => this.CONSUME(T.KwEnv) }));
    this.SUBRULE(this.type);
    this.OR((this.alternatives[7] ??= [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]));
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
      this.MANY((this.actions[36] ??= () => {
        this.CONSUME(T.Comma);
        this.SUBRULE1(this.callInput);
      }));
      this.OPTION2((this.actions[37] ??= () => this.CONSUME1(T.Comma)));
    }));
    this.CONSUME(T.RCurly);
  });

  /** callInput := Identifier ('.' Identifier)* ('=' expression)?  (dotted names set nested inputs) */
  readonly callInput = this.RULE("callInput", () => {
    // A keyword (`in`, or `version` naming a 1.1 task's input from a 1.2 document): a leniency (see reservedName in cst-to-ast/expressions.ts).
    this.OR((this.alternatives[39] ??= [{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Keyword) }]));
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

  /** conditional := 'if' '(' expression ')' body elseClause*  (the AST builder checks that a plain `else` comes last) */
  readonly conditionalStatement = this.RULE("conditionalStatement", () => {
    this.CONSUME(T.KwIf);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    this.SUBRULE(this.body);
    this.MANY((this.actions[60] ??= () => this.SUBRULE(this.elseClause)));
  });

  /** elseClause := 'else' ('if' '(' expression ')')? body  (WDL 1.3) */
  readonly elseClause = this.RULE("elseClause", () => {
    this.CONSUME(T.KwElse);
    this.OPTION((this.actions[61] ??= () => {
      this.CONSUME(T.KwIf);
      this.CONSUME(T.LParen);
      this.SUBRULE(this.expression);
      this.CONSUME(T.RParen);
    }));
    this.SUBRULE(this.body);
  });

}

let recovering: WdlParser | undefined;

/**
 * The shared parser with error recovery, built on first use: building a parser
 * (Chevrotain's grammar analysis) costs about a tenth of a second, which a
 * document without syntax errors never needs to pay for this one.
 */
export function recoveringParser(): WdlParser {
  return (recovering ??= new WdlParser(true));
}

let fast: WdlParser | undefined;

/**
 * The shared parser without error recovery, built on first use: faster than
 * the recovering one on valid input (errors end the parse at the first one).
 * Only the grammar tests use it now: ./descent-parser.ts parses valid chunks.
 */
export function fastParser(): WdlParser {
  return (fast ??= new WdlParser(false));
}

/** Parses a token vector into the CST of a whole document, recovering from errors. */
export function parseTokens(tokens: IToken[]): { cst: CstNode; errors: IRecognitionException[] } {
  return recoveringParser().parseChunk(tokens);
}

export { EOF };
