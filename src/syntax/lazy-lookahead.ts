/**
 * Chevrotain's LL(k) lookahead, built on first use. Building the parser
 * (`performSelfAnalysis`) computes a lookahead function for every OR, OPTION
 * and MANY of the grammar up front: most of a fresh process's cost of
 * `wdlrun check` on a small document, which uses a fraction of the grammar.
 * This strategy hands Chevrotain a stand-in for each decision that builds the
 * real function (with Chevrotain's own LL(k) strategy, so the decisions are
 * the same) the first time the decision is taken, then calls it. Grammar
 * validation is the LL(k) strategy's, unchanged.
 */
import { LLkLookaheadStrategy, type ILookaheadStrategy, type ILookaheadValidationError, type IOrAlt, type OptionalProductionType, type Rule, type TokenType } from "chevrotain";

type AlternationOptions = Parameters<ILookaheadStrategy["buildLookaheadForAlternation"]>[0];
type OptionalOptions = Parameters<ILookaheadStrategy["buildLookaheadForOptional"]>[0];
type AlternationLookahead = (this: unknown, orAlts?: IOrAlt<unknown>[]) => number | undefined;
type OptionalLookahead = (this: unknown) => boolean;

/** The LL(k) lookahead of `maxLookahead` tokens, each decision's function built when first needed. */
export class LazyLookahead implements ILookaheadStrategy {
  private readonly llk: InstanceType<typeof LLkLookaheadStrategy>;

  constructor(maxLookahead: number) {
    this.llk = new LLkLookaheadStrategy({ maxLookahead });
  }

  validate(options: { rules: Rule[]; tokenTypes: TokenType[]; grammarName: string }): ILookaheadValidationError[] {
    return this.llk.validate(options);
  }

  initialize(options: { rules: Rule[] }): void {
    this.llk.initialize?.(options);
  }

  buildLookaheadForAlternation(options: AlternationOptions): AlternationLookahead {
    const llk = this.llk;
    let built: AlternationLookahead | undefined;
    return function (this: unknown, orAlts) {
      built ??= llk.buildLookaheadForAlternation(options) as AlternationLookahead;
      return built.call(this, orAlts);
    };
  }

  buildLookaheadForOptional(options: OptionalOptions & { prodType: OptionalProductionType }): OptionalLookahead {
    const llk = this.llk;
    let built: OptionalLookahead | undefined;
    return function (this: unknown) {
      built ??= llk.buildLookaheadForOptional(options) as OptionalLookahead;
      return built.call(this);
    };
  }
}
