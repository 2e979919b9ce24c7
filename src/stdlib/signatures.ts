/**
 * The standard library's signatures as data: every function of the WDL 1.2
 * "Standard Library" chapter with each variant written exactly as the spec
 * writes it, the version that introduced it, and where it may be used.
 * Analysis type-checks calls against this table (see
 * src/analysis/functions.ts); the evaluation layer proves it has one
 * implementation per name listed here.
 *
 * Signature text grammar (the spec's): `R name(T1, T2, [T3])` where a
 * bracketed trailing parameter is optional, `A|B` are alternatives, single
 * capital letters are type parameters (`P` is bound to primitive types),
 * `Struct` matches any struct and `Enum[X]` any enum whose values are `X`. The literal `true` means a Boolean argument.
 */
import type { WdlVersion } from "../syntax/ast.js";

/** Where a function may be called. */
export type FunctionRestriction =
  /** Anywhere. */
  | "none"
  /** Only in a task's `output` section (stdout, stderr, glob). */
  | "task-output";

/** One variant of a function, as the spec writes it. */
export interface VariantSpec {
  /** e.g. `"Float size(File|File?, [String])"`. */
  readonly signature: string;
  /** The first version with this variant. */
  readonly since: WdlVersion;
}

/** A standard-library function. */
export interface FunctionSpec {
  readonly name: string;
  /** The first version with any variant of this function. */
  readonly since: WdlVersion;
  readonly restriction: FunctionRestriction;
  /** The spec chapter section: numeric, string, file, string-array, array, map, other. */
  readonly group: "numeric" | "string" | "file" | "string-array" | "array" | "map" | "enum" | "other";
  readonly variants: readonly VariantSpec[];
  /** Deprecated in the latest version (warned about). */
  readonly deprecated?: string;
}

function fn(
  group: FunctionSpec["group"],
  name: string,
  since: WdlVersion,
  variants: readonly (string | readonly [string, WdlVersion])[],
  extra: { restriction?: FunctionRestriction; deprecated?: string } = {},
): FunctionSpec {
  return {
    name,
    since,
    group,
    restriction: extra.restriction ?? "none",
    variants: variants.map((v) => (typeof v === "string" ? { signature: v, since } : { signature: v[0], since: v[1] })),
    ...(extra.deprecated ? { deprecated: extra.deprecated } : {}),
  };
}

/** Every standard-library function, in the order of the spec's chapter. */
export const STANDARD_LIBRARY: readonly FunctionSpec[] = [
  // Numeric functions
  fn("numeric", "floor", "1.0", ["Int floor(Float)"]),
  fn("numeric", "ceil", "1.0", ["Int ceil(Float)"]),
  fn("numeric", "round", "1.0", ["Int round(Float)"]),
  fn("numeric", "min", "1.1", ["Int min(Int, Int)", "Float min(Int, Float)", "Float min(Float, Int)", "Float min(Float, Float)"]),
  fn("numeric", "max", "1.1", ["Int max(Int, Int)", "Float max(Int, Float)", "Float max(Float, Int)", "Float max(Float, Float)"]),
  // String functions
  fn("string", "find", "1.2", ["String? find(String, String)"]),
  fn("string", "matches", "1.2", ["Boolean matches(String, String)"]),
  fn("string", "sub", "1.0", ["String sub(String, String, String)"]),
  fn("string", "split", "1.3", ["Array[String] split(String, String)"]),
  // File functions
  fn("file", "basename", "1.0", ["String basename(File, [String])", ["String basename(Directory, [String])", "1.2"]]),
  fn("file", "join_paths", "1.2", [
    "File join_paths(File, String)",
    "File join_paths(File, Array[String]+)",
    "File join_paths(Directory, String)",
    "File join_paths(Directory, Array[String]+)",
    "File join_paths(Array[String]+)",
  ]),
  fn("file", "glob", "1.0", ["Array[File] glob(String)"], { restriction: "task-output" }),
  fn("file", "size", "1.0", [
    "Float size(File|File?, [String])",
    ["Float size(Directory|Directory?, [String])", "1.2"],
    "Float size(X|X?, [String])",
  ]),
  fn("file", "stdout", "1.0", ["File stdout()"], { restriction: "task-output" }),
  fn("file", "stderr", "1.0", ["File stderr()"], { restriction: "task-output" }),
  fn("file", "read_string", "1.0", ["String read_string(File)"]),
  fn("file", "read_int", "1.0", ["Int read_int(File)"]),
  fn("file", "read_float", "1.0", ["Float read_float(File)"]),
  fn("file", "read_boolean", "1.0", ["Boolean read_boolean(File)"]),
  fn("file", "read_lines", "1.0", ["Array[String] read_lines(File)"]),
  fn("file", "write_lines", "1.0", ["File write_lines(Array[String])"]),
  fn("file", "read_tsv", "1.0", [
    "Array[Array[String]] read_tsv(File)",
    ["Array[Object] read_tsv(File, true)", "1.2"],
    ["Array[Object] read_tsv(File, Boolean, Array[String])", "1.2"],
  ]),
  fn("file", "write_tsv", "1.0", [
    "File write_tsv(Array[Array[String]])",
    ["File write_tsv(Array[Array[String]], true, Array[String])", "1.2"],
    ["File write_tsv(Array[Struct], [Boolean], [Array[String]])", "1.2"],
  ]),
  fn("file", "read_map", "1.0", ["Map[String, String] read_map(File)"]),
  fn("file", "write_map", "1.0", ["File write_map(Map[String, String])"]),
  fn("file", "read_json", "1.0", ["Union read_json(File)"]),
  fn("file", "write_json", "1.0", ["File write_json(X)"]),
  fn("file", "read_object", "1.0", ["Object read_object(File)"], { deprecated: "the Object type is deprecated; use read_json or read_map" }),
  fn("file", "read_objects", "1.0", ["Array[Object] read_objects(File)"], { deprecated: "the Object type is deprecated; use read_json or read_tsv" }),
  fn("file", "write_object", "1.0", ["File write_object(Struct|Object)"], { deprecated: "the Object type is deprecated; use write_json or write_map" }),
  fn("file", "write_objects", "1.0", ["File write_objects(Array[Struct|Object])"], { deprecated: "the Object type is deprecated; use write_json or write_tsv" }),
  // String array functions
  fn("string-array", "prefix", "1.0", ["Array[String] prefix(String, Array[P])"]),
  fn("string-array", "suffix", "1.1", ["Array[String] suffix(String, Array[P])"]),
  fn("string-array", "quote", "1.1", ["Array[String] quote(Array[P])"]),
  fn("string-array", "squote", "1.1", ["Array[String] squote(Array[P])"]),
  fn("string-array", "sep", "1.1", ["String sep(String, Array[P])"]),
  // Generic array functions
  fn("array", "range", "1.0", ["Array[Int] range(Int)"]),
  fn("array", "transpose", "1.0", ["Array[Array[X]] transpose(Array[Array[X]])"]),
  fn("array", "cross", "1.0", ["Array[Pair[X,Y]] cross(Array[X], Array[Y])"]),
  fn("array", "zip", "1.0", ["Array[Pair[X,Y]] zip(Array[X], Array[Y])"]),
  fn("array", "unzip", "1.1", ["Pair[Array[X], Array[Y]] unzip(Array[Pair[X, Y]])"]),
  fn("array", "contains", "1.2", ["Boolean contains(Array[P], P)", "Boolean contains(Array[P?], P?)"]),
  fn("array", "chunk", "1.2", ["Array[Array[X]] chunk(Array[X], Int)"]),
  fn("array", "flatten", "1.0", ["Array[X] flatten(Array[Array[X]])"]),
  fn("array", "select_first", "1.0", ["X select_first(Array[X?]+)", ["X select_first(Array[X?], X)", "1.2"]]),
  fn("array", "select_all", "1.0", ["Array[X] select_all(Array[X?])"]),
  // Map functions
  fn("map", "as_pairs", "1.1", ["Array[Pair[P, Y]] as_pairs(Map[P, Y])"]),
  fn("map", "as_map", "1.1", ["Map[P, Y] as_map(Array[Pair[P, Y]])"]),
  fn("map", "keys", "1.1", ["Array[P] keys(Map[P, Y])", ["Array[String] keys(Struct|Object)", "1.2"]]),
  fn("map", "contains_key", "1.2", [
    "Boolean contains_key(Map[P, Y], P)",
    "Boolean contains_key(Object, String)",
    "Boolean contains_key(Map[String, Y]|Struct|Object, Array[String])",
  ]),
  fn("map", "values", "1.2", ["Array[Y] values(Map[P, Y])"]),
  fn("map", "collect_by_key", "1.1", ["Map[P, Array[Y]] collect_by_key(Array[Pair[P, Y]])"]),
  // Enum functions (1.3)
  fn("enum", "value", "1.3", ["X value(Enum[X])"]),
  // Other functions
  fn("other", "defined", "1.0", ["Boolean defined(X?)"]),
  fn("other", "length", "1.0", ["Int length(Array[X])", ["Int length(Map[X, Y]|Object|String)", "1.2"]]),
];

/** The table indexed by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(STANDARD_LIBRARY.map((f) => [f.name, f]));

