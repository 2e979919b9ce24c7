/**
 * Every diagnostic static analysis can report, one named constructor per
 * message, so that codes and wording stay stable and tests can rely on them.
 * Codes are kebab-case; errors block a run, warnings do not.
 */
import { error, lenient, warning, type Diagnostic, type RelatedInfo } from "../diagnostics/diagnostic.js";
import { LENIENCIES } from "../syntax/leniencies.js";
import { nearestName } from "../diagnostics/nearest.js";
import type { Span } from "../diagnostics/span.js";
import type { WdlVersion } from "../syntax/ast.js";
import { T, isPrimitive, typeToString, type WdlType } from "../types/types.js";

const ts = typeToString;

function withRelated(d: Diagnostic, related: RelatedInfo[]): Diagnostic {
  return related.length ? { ...d, related } : d;
}

/** "did you mean" help from candidate names. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const best = nearestName(name, candidates);
  return best === undefined ? undefined : `did you mean \`${best}\`?`;
}

// ───────────────────────────── imports ─────────────────────────────

export const importNotFound = (span: Span, uri: string, reason: string): Diagnostic =>
  error("import-not-found", `cannot read imported document \`${uri}\`: ${reason}`, span);
export const importCycle = (span: Span, chain: readonly string[]): Diagnostic =>
  error("import-cycle", `import cycle: ${chain.join(" → ")}`, span, "a document may not import itself, directly or through other imports");
export const importNamespaceInvalid = (span: Span, ns: string): Diagnostic =>
  error("invalid-namespace", `the import's default namespace \`${ns}\` is not a valid identifier`, span, "give it a namespace with `as name`");
export const duplicateNamespace = (span: Span, ns: string, first: Span): Diagnostic =>
  withRelated(error("duplicate-namespace", `namespace \`${ns}\` is already imported`, span, "give one of the imports a different name with `as name`"), [
    { span: first, message: "first imported here" },
  ]);
export const importVersionMismatch = (span: Span, own: WdlVersion, theirs: WdlVersion): Diagnostic =>
  warning("import-version-mismatch", `imported document has version ${theirs} but this document has version ${own}`, span);
export const importVersionNewer = (span: Span, own: WdlVersion, theirs: WdlVersion): Diagnostic =>
  error(
    "import-version-newer",
    `this document is version ${own} and cannot import a version ${theirs} document (a document may import only documents of its own or an older 1.x version)`,
    span,
    `change this document's version to ${theirs}`,
  );
export const unknownAliasSource = (span: Span, name: string, ns: string): Diagnostic =>
  error("unknown-struct", `the imported document \`${ns}\` has no struct \`${name}\``, span);

// ───────────────────────────── names and structs ─────────────────────────────

export const duplicateName = (span: Span, what: string, name: string, first: Span | undefined): Diagnostic =>
  withRelated(error("duplicate-name", `${what} \`${name}\` is already defined`, span), first ? [{ span: first, message: "first defined here" }] : []);
export const nameClash = (span: Span, name: string, what: string, other: string, first: Span | undefined): Diagnostic =>
  withRelated(error("name-conflict", `${what} \`${name}\` conflicts with ${other} of the same name`, span), first ? [{ span: first, message: "the other definition" }] : []);
export const conflictingStruct = (span: Span, name: string, first: Span | undefined): Diagnostic =>
  withRelated(
    error("conflicting-struct", `struct \`${name}\` is imported with a different definition than another struct of the same name`, span, "import one of them under another name with `alias Name as NewName`"),
    first ? [{ span: first, message: "the other definition" }] : [],
  );
export const recursiveStruct = (span: Span, name: string): Diagnostic =>
  error("recursive-struct", `struct \`${name}\` contains itself`, span, "a struct member may not have the struct's own type, directly or through other structs");
export const unknownType = (span: Span, name: string, help?: string): Diagnostic => error("unknown-type", `unknown type \`${name}\``, span, help);
export const unknownName = (span: Span, name: string, help?: string): Diagnostic => error("unknown-name", `unknown name \`${name}\``, span, help);
export const callAsValue = (span: Span, name: string): Diagnostic =>
  error("call-as-value", `\`${name}\` is a call; use one of its outputs (\`${name}.output_name\`)`, span);
export const selfReference = (span: Span, name: string): Diagnostic =>
  error("self-reference", `\`${name}\` refers to itself`, span);
export const dependencyCycle = (span: Span, chain: readonly string[]): Diagnostic =>
  error("dependency-cycle", `dependency cycle: ${chain.join(" → ")}`, span, "a value cannot depend, directly or indirectly, on itself");

// ───────────────────────────── types ─────────────────────────────

export const typeMismatch = (span: Span, expected: WdlType, actual: WdlType, what = "value"): Diagnostic =>
  error("type-mismatch", `expected ${what} of type \`${ts(expected)}\` but found \`${ts(actual)}\``, span);
export const optionalMismatch = (span: Span, expected: WdlType, actual: WdlType): Diagnostic =>
  error(
    "optional-mismatch",
    `expected \`${ts(expected)}\` but found the optional type \`${ts(actual)}\``,
    span,
    "use `select_first([value, default])` or give the declaration an optional type",
  );
export const implicitStringConversion = (span: Span, actual: WdlType, to: WdlType = T.String): Diagnostic =>
  warning("implicit-string-conversion", `\`${ts(actual)}\` is converted to \`${ts(to)}\` implicitly; this is not portable`, span, 'use string interpolation: "~{value}"');
/** An Int, Float or Boolean (alone or inside `T?`, Array, Map, Pair) used as a String: a leniency. */
export const numberToString = (span: Span, actual: WdlType, to: WdlType = T.String): Diagnostic =>
  lenient("number-to-string", `\`${ts(actual)}\` is converted to \`${ts(to)}\` (${isPrimitive(actual) ? "its text" : "numbers become their text"})`, span, LENIENCIES.numberToString);
/** A String used as an Int or Float: a leniency, the text read as a number at run time. */
export const stringToNumber = (span: Span, to: WdlType): Diagnostic =>
  lenient("string-to-number", `a \`String\` is used as \`${ts(to)}\`; its text is read as a number when the workflow runs (an error then if it is not one)`, span, LENIENCIES.stringToNumber);
export const operatorType = (span: Span, op: string, left: WdlType, right?: WdlType): Diagnostic =>
  error(
    "operator-type",
    right ? `operator \`${op}\` cannot be applied to \`${ts(left)}\` and \`${ts(right)}\`` : `operator \`${op}\` cannot be applied to \`${ts(left)}\``,
    span,
  );
export const optionalOperand = (span: Span, op: string, t: WdlType, tested = false): Diagnostic =>
  error(
    "optional-operand",
    `operator \`${op}\` cannot be applied to the optional type \`${ts(t)}\``,
    span,
    tested
      ? "`defined()` does not make the value non-optional: use `select_first([value, default])`, or write the expression inside a placeholder (`~{…}`), where `+` with None gives an empty result"
      : "use `select_first([value, default])`, or test it with `defined()` first",
  );
export const numberStringMix = (span: Span, what: string, a: WdlType, b: WdlType): Diagnostic =>
  lenient("number-string-mix", `${what} mix \`${ts(a)}\` and \`${ts(b)}\`; they are unified to \`String\``, span, LENIENCIES.numberStringMix);
export const conditionType = (span: Span, actual: WdlType): Diagnostic =>
  error("condition-type", `a condition must be a \`Boolean\`, found \`${ts(actual)}\``, span);
export const branchMismatch = (span: Span, a: WdlType, b: WdlType): Diagnostic =>
  error("branch-mismatch", `the branches of if-then-else have incompatible types \`${ts(a)}\` and \`${ts(b)}\``, span);
export const literalItemsMismatch = (span: Span, what: string, a: WdlType, b: WdlType): Diagnostic =>
  error("literal-mismatch", `${what} have incompatible types \`${ts(a)}\` and \`${ts(b)}\``, span);
export const mapKeyType = (span: Span, t: WdlType): Diagnostic => error("map-key-type", `map keys must be of a primitive type, found \`${ts(t)}\``, span);
export const notIndexable = (span: Span, t: WdlType): Diagnostic =>
  error("not-indexable", `a value of type \`${ts(t)}\` cannot be indexed`, span, "only Array (by Int) and Map (by key) values can be indexed");
export const noMember = (span: Span, t: WdlType, member: string, help?: string): Diagnostic =>
  error("unknown-member", `type \`${ts(t)}\` has no member \`${member}\``, span, help);
export const noCallOutput = (span: Span, call: string, member: string, help?: string): Diagnostic =>
  error("unknown-member", `call \`${call}\` has no output \`${member}\``, span, help);
export const placeholderType = (span: Span, t: WdlType): Diagnostic =>
  error("placeholder-type", `a value of type \`${ts(t)}\` cannot be interpolated into a string`, span, "use `sep(\" \", values)` for arrays, or write the value to a file with `write_json`");
export const placeholderOption = (span: Span, option: string, t: WdlType, needs: string): Diagnostic =>
  error("placeholder-option", `the \`${option}\` placeholder option needs ${needs}, found \`${ts(t)}\``, span);
export const deprecatedPlaceholderOption = (span: Span, option: string, instead: string): Diagnostic =>
  warning("deprecated-placeholder-option", `the \`${option}\` placeholder option is deprecated`, span, `use ${instead} instead`);
export const deprecatedObject = (span: Span): Diagnostic =>
  warning("deprecated-object", "the `Object` type is deprecated", span, "use a struct or a Map instead");
export const deprecatedConcatenation = (span: Span, t: WdlType): Diagnostic =>
  warning("deprecated-concatenation", `concatenating a \`String\` with \`${ts(t)}\` is deprecated`, span, 'use string interpolation: "~{a}~{b}"');
export const structLiteralUnknownMember = (span: Span, struct: string, member: string, help?: string): Diagnostic =>
  error("unknown-member", `struct \`${struct}\` has no member \`${member}\``, span, help);
export const structLiteralMissingMember = (span: Span, struct: string, members: readonly string[]): Diagnostic =>
  error("missing-member", `struct \`${struct}\` literal is missing required member${members.length > 1 ? "s" : ""} ${members.map((m) => `\`${m}\``).join(", ")}`, span);
export const duplicateMember = (span: Span, member: string): Diagnostic => error("duplicate-member", `member \`${member}\` is given more than once`, span);
export const scatterType = (span: Span, t: WdlType): Diagnostic =>
  error("scatter-type", `a scatter needs an \`Array\` to iterate over, found \`${ts(t)}\``, span);

// ───────────────────────────── functions ─────────────────────────────

export const unknownFunction = (span: Span, name: string, help?: string): Diagnostic =>
  error("unknown-function", `unknown function \`${name}\``, span, help);
export const functionNeedsVersion = (span: Span, name: string, since: WdlVersion, version: WdlVersion): Diagnostic =>
  error("version-gated", `function \`${name}\` requires WDL ${since} or later (this document is version ${version})`, span, `change the document's version to ${since}`);
export const functionArity = (span: Span, name: string, got: number, expected: string): Diagnostic =>
  error("argument-count", `function \`${name}\` does not take ${got} argument${got === 1 ? "" : "s"}`, span, `expected: ${expected}`);
export const functionArgument = (span: Span, name: string, index: number, t: WdlType, expected: string): Diagnostic =>
  error("argument-type", `argument ${index + 1} of \`${name}\` has type \`${ts(t)}\`, which no variant accepts`, span, `expected: ${expected}`);
export const functionRestricted = (span: Span, name: string): Diagnostic =>
  error("function-restricted", `function \`${name}\` can only be used in a task's output section`, span);
export const deprecatedFunction = (span: Span, name: string, why: string): Diagnostic =>
  warning("deprecated-function", `function \`${name}\` is deprecated: ${why}`, span);

// ───────────────────────────── calls ─────────────────────────────

export const unknownCallee = (span: Span, name: string, help?: string): Diagnostic =>
  error("unknown-callee", `no task or workflow named \`${name}\``, span, help);
export const unknownNamespace = (span: Span, name: string, help?: string): Diagnostic =>
  error("unknown-namespace", `no imported namespace named \`${name}\``, span, help);
export const unknownCallInput = (span: Span, callee: string, input: string, help?: string): Diagnostic =>
  error("unknown-call-input", `\`${callee}\` has no input named \`${input}\``, span, help);
export const missingCallInputs = (span: Span, callee: string, names: readonly string[]): Diagnostic =>
  error(
    "missing-call-input",
    `call to \`${callee}\` is missing required input${names.length > 1 ? "s" : ""} ${names.map((n) => `\`${n}\``).join(", ")}`,
    span,
    `supply ${names.length > 1 ? "them" : "it"} in the call: \`{ ${names.map((n) => `${n} = …`).join(", ")} }\``,
  );
export const nestedRequiredInputs = (span: Span, callee: string, names: readonly string[]): Diagnostic =>
  warning(
    "deprecated-nested-input",
    `call to \`${callee}\` leaves required input${names.length > 1 ? "s" : ""} ${names.map((n) => `\`${n}\``).join(", ")} to be set at run time; this is deprecated`,
    span,
    "supply required inputs in the call",
  );
export const unsetRequiredCallInputs = (span: Span, callee: string, names: readonly string[], callName: string): Diagnostic =>
  lenient(
    "unset-call-input",
    `call to \`${callee}\` leaves required input${names.length > 1 ? "s" : ""} ${names.map((n) => `\`${n}\``).join(", ")} unset, without \`allowNestedInputs\`; the inputs must set ${names.map((n) => `\`<workflow>.${callName}.${n}\``).join(", ")}`,
    span,
    LENIENCIES.unsetRequiredCallInput,
  );
export const unknownAfter = (span: Span, name: string): Diagnostic => error("unknown-name", `\`after\` names no call called \`${name}\``, span);
export const callNamedLikeWorkflow = (span: Span, name: string): Diagnostic =>
  error("name-conflict", `call \`${name}\` has the same name as the workflow`, span, "give the call an alias with `as`");

// ───────────────────────────── sections ─────────────────────────────

export const unknownRequirement = (span: Span, key: string, help?: string): Diagnostic =>
  error("unknown-requirement", `\`${key}\` is not a requirement`, span, help ?? "put engine-specific keys in the `hints` section");
export const requirementType = (span: Span, key: string, t: WdlType, accepted: string): Diagnostic =>
  error("requirement-type", `\`${key}\` must be ${accepted}, found \`${ts(t)}\``, span);
export const hintType = (span: Span, key: string, t: WdlType, accepted: string): Diagnostic =>
  warning("hint-type", `reserved hint \`${key}\` should be ${accepted}, found \`${ts(t)}\``, span);
export const runtimeType = (span: Span, key: string, t: WdlType, accepted: string): Diagnostic =>
  warning("runtime-type", `runtime attribute \`${key}\` should be ${accepted}, found \`${ts(t)}\``, span, "engines may reject or misread it");
export const duplicateKey = (span: Span, section: string, key: string): Diagnostic =>
  error("duplicate-key", `\`${key}\` is given more than once in the ${section} section`, span);
export const unknownRuntimeKey = (span: Span, key: string): Diagnostic =>
  warning("unknown-runtime-key", `\`${key}\` is not a standard runtime attribute; engines may ignore it`, span);
export const deprecatedRuntime = (span: Span): Diagnostic =>
  warning("deprecated-runtime", "the `runtime` section is deprecated in WDL 1.2", span, "use `requirements` (and `hints` for engine-specific keys)");
export const deprecatedAlias = (span: Span, key: string, instead: string): Diagnostic =>
  warning("deprecated-key", `\`${key}\` is deprecated`, span, `use \`${instead}\``);
export const unknownHintTarget = (span: Span, scope: string, name: string): Diagnostic =>
  error("unknown-name", `the task has no ${scope} named \`${name}\``, span);
export const workflowHintNotLiteral = (span: Span): Diagnostic =>
  error("workflow-hint-expression", "workflow hints must be literal values", span);
export const taskVariableOutside = (span: Span): Diagnostic =>
  error("unknown-name", "the `task` variable is only available in a task's command and output sections", span);
export const metaKeyUnknownParam = (span: Span, key: string): Diagnostic =>
  warning("unknown-parameter-meta", `parameter_meta names \`${key}\`, which is not an input or output`, span);

// ───────────────────────────── warnings ─────────────────────────────

export const unusedInput = (span: Span, name: string): Diagnostic =>
  warning("unused-input", `input \`${name}\` is never used`, span, "remove it if it is not needed");
export const unusedDeclaration = (span: Span, name: string): Diagnostic =>
  warning("unused-declaration", `private declaration \`${name}\` is never used`, span, "remove it if it is not needed");
export const shadowing = (span: Span, name: string, what: string): Diagnostic =>
  warning("shadowing", `\`${name}\` shadows ${what} of the same name`, span);

// ───────────────────────────── enumerations (1.3) ─────────────────────────────

export const unknownEnumChoice = (span: Span, enumName: string, choice: string, choices: readonly string[]): Diagnostic =>
  error(
    "unknown-enum-choice",
    `enum \`${enumName}\` has no choice \`${choice}\`; its choices are ${choices.map((c) => `\`${c}\``).join(", ")}`,
    span,
    didYouMean(choice, choices),
  );
export const enumValueNotLiteral = (span: Span, enumName: string): Diagnostic =>
  error("enum-value-not-literal", `the value of a choice of enum \`${enumName}\` must be a literal (a number, string, Boolean, None, or an array, map, pair or struct literal of them)`, span);
export const enumValuesDisagree = (span: Span, enumName: string, first: WdlType, other: WdlType): Diagnostic =>
  error(
    "enum-value-types",
    `the values of enum \`${enumName}\` have no common type: \`${ts(first)}\` and \`${ts(other)}\``,
    span,
    `give the enum a value type (\`enum ${enumName}[String] { … }\`) and values of that type`,
  );
export const enumWithoutChoices = (span: Span, enumName: string): Diagnostic =>
  error("empty-enum", `enum \`${enumName}\` has no choices`, span, "list at least one choice: `enum Name { A, B }`");
export const enumAsValue = (span: Span, enumName: string): Diagnostic =>
  error("enum-as-value", `\`${enumName}\` is an enum type, not a value`, span, `name one of its choices: \`${enumName}.Choice\``);
