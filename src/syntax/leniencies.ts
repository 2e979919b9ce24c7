/**
 * The constructs the spec forbids that wdlrun accepts anyway, because the
 * other engines users run accept them and real pipelines rely
 * on them. Each is reported as a leniency warning (see `lenient` in
 * diagnostics/diagnostic.ts) naming the rule, the spec section and the
 * portable spelling; `--strict` makes them errors. README.md ("Leniency and
 * --strict") lists the same constructs.
 */
import type { Leniency } from "../diagnostics/diagnostic.js";

/** Every leniency, by key. */
export const LENIENCIES = {
  unknownEscape: {
    rule: "a string may only use the escapes the spec lists",
    section: "Strings",
    portable: "write a backslash as '\\\\' (\"\\\\.\" for a backslash followed by '.')",
  },
  numberStringMix: {
    rule: "array items and if/else branches must have a common type, and a number does not coerce to String",
    section: "Type Coercion",
    portable: "turn the number into a String with interpolation: \"~{n}\"",
  },
  numberToString: {
    rule: "Int, Float and Boolean do not coerce to String",
    section: "Type Coercion",
    portable: "build the String values with interpolation (\"~{n}\"), e.g. with a scatter or prefix(\"\", values)",
  },
  stringToNumber: {
    rule: "String does not coerce to Int or Float",
    section: "Type Coercion",
    portable: "give the value the number type where it is made (an Int input, read_int, read_float)",
  },
  duplicateRuntimeKey: {
    rule: "each key appears once in a runtime section",
    section: "Runtime Section",
    portable: "remove all but one entry for the key (the last one is used)",
  },
  reservedWordName: {
    rule: "a reserved keyword cannot name a declaration",
    section: "Reserved Keywords",
    portable: "choose another name (and use it in every call and reference)",
  },
  unsetRequiredCallInput: {
    rule: "a call must supply every required input unless the workflow allows nested inputs",
    section: "Call Statement",
    portable: "supply the input in the call, or add `allowNestedInputs: true` to the workflow's meta section",
  },
  unboundDeclaration: {
    rule: "a declaration outside the input section must have a value",
    section: "Declarations",
    portable: "move the declaration into an `input { … }` section",
  },
} as const satisfies Record<string, Leniency>;
