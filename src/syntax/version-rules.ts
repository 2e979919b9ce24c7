/**
 * The rules that differ between WDL 1.0, 1.1, 1.2 and 1.3, in one table looked up
 * by the document's version (`versionRules(doc.version)`), so that no other
 * module tests the version for them. Features a version merely lacks (the
 * `hints` section, `**`, …) are gated in ./cst-to-ast/features.ts; this table holds
 * the rules whose *meaning* changes: which words are reserved, which
 * coercions are allowed, what an unset call input or an unbound declaration
 * means, how a Pair is written as JSON, and what a workflow without an output
 * section returns. The front end and the runtime (write_json, a workflow's
 * outputs) read the same table.
 *
 * Sources: the 1.0, 1.1 and 1.2 specifications' "Reserved Keywords", "Type
 * Coercion", "Call Statement" / "Computing Call Inputs", "Declarations" and
 * "write_json" sections, and what widely used engines do with 1.0 documents.
 */
import type { WdlVersion } from "./ast.js";

/** How a rule treats a construct: accepted as the version defines it, accepted with a leniency warning, or an error. */
export type RuleStance = "allowed" | "lenient" | "error";

/** The version-dependent rules of one WDL version. */
export interface VersionRules {
  readonly version: WdlVersion;
  /**
   * Words that are reserved keywords in this version (besides those of every
   * version). In 1.0 and 1.1 `version`, `hints`, `requirements` and
   * `Directory` are ordinary names (`String version = …`).
   */
  readonly reservedSince12: boolean;
  /**
   * `File` → `String` inside `T?`, `Array`, `Map` and `Pair` values
   * (`Array[File]` into `Array[String]`): the 1.0 coercion table allows it;
   * 1.1 and 1.2 accept it with the same portability warning as the scalar case.
   */
  readonly compoundFileToString: "allowed" | "warning";
  /**
   * A call that leaves a required input unset, in a workflow that does not
   * allow nested inputs: in 1.0 the input becomes an input of the workflow
   * (`wf.call.x`); 1.1 accepts it with a leniency warning; in 1.2 it is an error.
   */
  readonly unsetRequiredCallInput: RuleStance;
  /**
   * Whether the inputs JSON may set any input a call leaves unset
   * (`wf.call.x`) without the workflow's `allowNestedInputs` hint: always in
   * 1.0 (its "Call Statement" section), only with the hint from 1.1 on.
   */
  readonly nestedInputsWithoutHint: boolean;
  /**
   * A declaration without a value outside the input section of a task or
   * workflow that has no input section (a draft-2 habit that widely used
   * engines read as an input): an input with a leniency warning in 1.0 and
   * 1.1, an error in 1.2.
   */
  readonly unboundDeclarationIsInput: boolean;
  /** JSON of a `Pair` (write_json, outputs): `{"left": …, "right": …}` in 1.0; an error from 1.1 on. */
  readonly pairJson: "object" | "error";
  /** What a workflow without an output section returns: every call's outputs (1.0), or nothing (1.1, 1.2). */
  readonly outputsWithoutSection: "all-call-outputs" | "none";
}

/** 1.2's rules; 1.3 changes none of them. */
const RULES_12: VersionRules = {
  version: "1.2",
  nestedInputsWithoutHint: false,
  reservedSince12: true,
  compoundFileToString: "warning",
  unsetRequiredCallInput: "error",
  unboundDeclarationIsInput: false,
  pairJson: "error",
  outputsWithoutSection: "none",
};

const RULES: Readonly<Record<WdlVersion, VersionRules>> = {
  "1.0": {
    version: "1.0",
    nestedInputsWithoutHint: true,
    reservedSince12: false,
    compoundFileToString: "allowed",
    unsetRequiredCallInput: "allowed",
    unboundDeclarationIsInput: true,
    pairJson: "object",
    outputsWithoutSection: "all-call-outputs",
  },
  "1.1": {
    version: "1.1",
    nestedInputsWithoutHint: false,
    reservedSince12: false,
    compoundFileToString: "warning",
    unsetRequiredCallInput: "lenient",
    unboundDeclarationIsInput: true,
    pairJson: "error",
    outputsWithoutSection: "none",
  },
  "1.2": RULES_12,
  "1.3": { ...RULES_12, version: "1.3" },
};

/** The rules of `version`. */
export function versionRules(version: WdlVersion): VersionRules {
  return RULES[version];
}

/** Words reserved only from WDL 1.2 on (the 1.2 "Reserved Keywords" list less the 1.0/1.1 one): names in older documents. */
export const RESERVED_FROM_12: ReadonlySet<string> = new Set(["Directory", "hints", "requirements", "version"]);

/** The version a document's text declares in its first statement, for the lexer's word classes; 1.2 when it names none it knows. */
export function declaredVersion(versionText: string | undefined): WdlVersion {
  return versionText === "1.0" || versionText === "1.1" ? versionText : "1.2";
}
