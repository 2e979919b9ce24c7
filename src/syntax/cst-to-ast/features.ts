/**
 * The version-gated features the syntax layer checks, with the WDL version
 * that introduced each (1.2 features are the spec's ✨ markers; 1.1 features
 * come from the 1.1 changes and the 1.1 specification's own examples).
 */
import type { Feature } from "./context.js";

/** Features by key. `name` reads well in "<name> requires WDL <since> or later". */
export const FEATURES = {
  requirements: { name: "the requirements section", since: "1.2" },
  hints: { name: "the hints section", since: "1.2" },
  exponentiation: { name: "the exponentiation operator '**'", since: "1.2" },
  multiLineString: { name: "multi-line strings (<<< >>>)", since: "1.2" },
  env: { name: "'env' declarations", since: "1.2" },
  directory: { name: "the Directory type", since: "1.2" },
  structMeta: { name: "meta and parameter_meta sections in structs", since: "1.2" },
  hintsLiteral: { name: "hints, input and output literals", since: "1.2" },
  taskVariable: { name: "the implicit 'task' variable", since: "1.2" },
  structLiteral: { name: "struct literals", since: "1.1" },
  none: { name: "the None literal", since: "1.1" },
  callInputShorthand: { name: "call input shorthand (an input name without '= value')", since: "1.1" },
  callWithoutInputKeyword: { name: "call inputs without the 'input:' keyword", since: "1.1" },
  after: { name: "'after' clauses in calls", since: "1.1" },
  enums: { name: "enum definitions", since: "1.3" },
  elseClause: { name: "an 'else if' or 'else' clause", since: "1.3" },
} as const satisfies Record<string, Feature>;
