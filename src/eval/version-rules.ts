/**
 * The run-time rules that differ between WDL versions, written once per
 * version and looked up by the document's version (never as scattered
 * `if version` tests). Front-end rules (reserved words, coercions the checker
 * allows) live with the analysis; these are the ones evaluation and the
 * runtime apply.
 */
import type { WdlVersion } from "../syntax/ast.js";

/** What evaluation and the runtime do differently by version. */
export interface RuntimeVersionRules {
  /**
   * `write_json` of a Pair writes `{"left": …, "right": …}` (1.0, as miniwdl
   * and Cromwell do); from 1.1 a Pair has no JSON form and it is an error
   * ("JSON Serialization of WDL Types").
   */
  readonly writeJsonPairs: boolean;
  /**
   * A workflow without an `output` section returns every call's outputs
   * (1.0 "Outputs": the engine includes all outputs of all calls); from 1.1
   * such a workflow has no outputs.
   */
  readonly implicitWorkflowOutputs: boolean;
}

const RULES: Readonly<Record<WdlVersion, RuntimeVersionRules>> = {
  "1.0": { writeJsonPairs: true, implicitWorkflowOutputs: true },
  "1.1": { writeJsonPairs: false, implicitWorkflowOutputs: false },
  "1.2": { writeJsonPairs: false, implicitWorkflowOutputs: false },
};

/** The run-time rules of `version`. */
export function runtimeRules(version: WdlVersion): RuntimeVersionRules {
  return RULES[version];
}
