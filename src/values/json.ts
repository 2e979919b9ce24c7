/**
 * WDL values ↔ JSON data, per the spec's "JSON Input Format", "JSON Output
 * Format" and "JSON Serialization of WDL Types": inputs are read against the
 * declared type (an error names the key path and the expected type), outputs
 * and `write_json` serialize Files as path strings, structs/objects/String-keyed
 * maps as JSON objects. JSON text itself is handled by ./json-text.ts.
 */
import { typeToString, type WdlType } from "../types/types.js";
import { choiceList, coerce } from "./coerce.js";
import { ValueError } from "./errors.js";
import { describeValue, formatFloat } from "./format.js";
import { JsonFloat, jsonEntries, setJsonKey } from "./json-text.js";
import { NONE, type WdlValue } from "./value.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Reads JSON data (from `parseJsonText` or `JSON.parse`) as a value of `type`.
 * `keyPath` names the input in error messages (e.g. `wf.samples`); nested
 * failures extend it (`wf.samples[2].name`). Files accept the extended
 * `{ "location": … }` object form.
 */
export function valueFromJson(json: unknown, type: WdlType, keyPath = "value"): WdlValue {
  if (json === null || json === undefined) {
    if (type.optional || type.kind === "Any") return NONE;
    throw fromJsonError(keyPath, type, json);
  }
  switch (type.kind) {
    case "Any":
    case "Object":
    case "HintsScoped":
      return type.kind === "Any" ? valueFromJsonUntyped(json) : coerceAt(valueFromJsonUntyped(json), type, keyPath);
    case "None":
      throw fromJsonError(keyPath, type, json);
    case "Boolean":
      if (typeof json === "boolean") return { kind: "Boolean", value: json };
      throw fromJsonError(keyPath, type, json);
    case "Int":
      if (typeof json === "bigint") return checkedInt(json, keyPath, type, json);
      if (typeof json === "number" && Number.isInteger(json)) return checkedInt(BigInt(json), keyPath, type, json);
      throw fromJsonError(keyPath, type, json);
    case "Float":
      if (typeof json === "number" || typeof json === "bigint") return { kind: "Float", value: finiteFloat(Number(json), keyPath) };
      throw fromJsonError(keyPath, type, json);
    case "String":
      if (typeof json === "string") return { kind: "String", value: json };
      throw fromJsonError(keyPath, type, json);
    case "File":
    case "Directory": {
      if (typeof json === "string") return { kind: type.kind, value: json };
      const loc = extendedLocation(json);
      if (loc !== undefined) return { kind: type.kind, value: loc };
      throw fromJsonError(keyPath, type, json);
    }
    case "Array": {
      if (!Array.isArray(json)) throw fromJsonError(keyPath, type, json);
      if (type.nonEmpty && json.length === 0) {
        throw new ValueError(`${keyPath}: expected a non-empty ${typeToString(type)} but found an empty array`, "invalid-input");
      }
      const items = json.map((x, i) => valueFromJson(x, type.item, `${keyPath}[${i}]`));
      return { kind: "Array", items, itemType: type.item };
    }
    case "Map": {
      if (!isPlainObject(json)) throw fromJsonError(keyPath, type, json);
      const entries = jsonEntries(json).map(([k, x]) => {
        const key = coerceAt({ kind: "String", value: k }, type.key, `${keyPath} key ${JSON.stringify(k)}`);
        return [key, valueFromJson(x, type.value, `${keyPath}[${JSON.stringify(k)}]`)] as const;
      });
      return { kind: "Map", entries, keyType: type.key, valueType: type.value };
    }
    case "Pair": {
      if (Array.isArray(json) && json.length === 2) {
        return {
          kind: "Pair",
          left: valueFromJson(json[0], type.left, `${keyPath}[0]`),
          right: valueFromJson(json[1], type.right, `${keyPath}[1]`),
        };
      }
      if (isPlainObject(json) && Object.keys(json).length === 2 && "left" in json && "right" in json) {
        return {
          kind: "Pair",
          left: valueFromJson(json["left"], type.left, `${keyPath}.left`),
          right: valueFromJson(json["right"], type.right, `${keyPath}.right`),
        };
      }
      throw fromJsonError(keyPath, type, json, 'a Pair is written as {"left": …, "right": …} or a two-element array');
    }
    case "Enum":
      if (typeof json === "string") return coerceAt({ kind: "String", value: json }, type, keyPath);
      throw fromJsonError(keyPath, type, json, `an enum input is the name of one of its choices: ${choiceList(type)}`);
    case "Struct": {
      if (!isPlainObject(json)) throw fromJsonError(keyPath, type, json);
      for (const k of Object.keys(json)) {
        if (!type.members.has(k)) {
          throw new ValueError(`${keyPath}: struct ${type.name} has no member '${k}'`, "invalid-input");
        }
      }
      const members = new Map<string, WdlValue>();
      for (const [name, mt] of type.members) {
        const x = Object.prototype.hasOwnProperty.call(json, name) ? json[name] : undefined;
        if (x === undefined && !mt.optional) {
          throw new ValueError(
            `${keyPath}: missing member '${name}' of type ${typeToString(mt)} for struct ${type.name}`,
            "invalid-input",
          );
        }
        members.set(name, valueFromJson(x, mt, `${keyPath}.${name}`));
      }
      return { kind: "Struct", name: type.name, members };
    }
  }
}

/** `x` when finite; a number beyond the Float range (parsed as Infinity) is an error, never a silent inf. */
function finiteFloat(x: number, keyPath?: string): number {
  if (Number.isFinite(x)) return x;
  throw new ValueError(`${keyPath === undefined ? "" : `${keyPath}: `}a number is too large for a 64-bit Float`, "invalid-input");
}

function checkedInt(n: bigint, keyPath: string, type: WdlType, json: unknown): WdlValue {
  if (n < INT64_MIN || n > INT64_MAX) throw fromJsonError(keyPath, type, json, "out of the 64-bit Int range");
  return { kind: "Int", value: n };
}

function coerceAt(v: WdlValue, type: WdlType, keyPath: string): WdlValue {
  try {
    return coerce(v, type);
  } catch (e) {
    if (e instanceof ValueError) throw new ValueError(`${keyPath}: ${e.message}`, "invalid-input");
    throw e;
  }
}

function extendedLocation(json: unknown): string | undefined {
  if (!isPlainObject(json)) return undefined;
  const loc = json["location"];
  return typeof loc === "string" ? loc : undefined;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function fromJsonError(keyPath: string, type: WdlType, json: unknown, why?: string): ValueError {
  return new ValueError(
    `${keyPath}: expected a value of type ${typeToString(type)} but found ${describeJson(json)}${why ? ` (${why})` : ""}`,
    "invalid-input",
  );
}

function describeJson(json: unknown): string {
  if (json === null || json === undefined) return "null";
  if (Array.isArray(json)) return `an array of length ${json.length}`;
  switch (typeof json) {
    case "bigint":
    case "number":
      return `the number ${json.toString()}`;
    case "string":
      return `the string ${JSON.stringify(json.length > 60 ? json.slice(0, 57) + "..." : json)}`;
    case "boolean":
      return `${json}`;
    default:
      return "an object";
  }
}

/**
 * Reads JSON data without a target type (the spec's `read_json` and Object
 * members): null → None, boolean → Boolean, integer literals (bigint, as
 * `parseJsonText` reads them) → Int, other numbers (`5.0` included) → Float,
 * string → String, array → Array, object → Object.
 */
export function valueFromJsonUntyped(json: unknown): WdlValue {
  if (json === null || json === undefined) return NONE;
  switch (typeof json) {
    case "boolean":
      return { kind: "Boolean", value: json };
    case "bigint":
      if (json < INT64_MIN || json > INT64_MAX) return { kind: "Float", value: finiteFloat(Number(json)) };
      return { kind: "Int", value: json };
    case "number":
      // parseJsonText reads integer literals as bigint: a number is a float literal (`5.0`, `2.5`, `1e3`).
      return { kind: "Float", value: finiteFloat(json) };
    case "string":
      return { kind: "String", value: json };
    default:
      break;
  }
  if (Array.isArray(json)) return { kind: "Array", items: json.map(valueFromJsonUntyped) };
  const members = new Map<string, WdlValue>();
  for (const [k, x] of jsonEntries(json as object)) members.set(k, valueFromJsonUntyped(x));
  return { kind: "Object", members };
}

/** How `valueToJson` treats values that JSON cannot represent naturally. */
export interface ToJsonOptions {
  /**
   * `strict` (the spec's rule for `write_json`): a Pair, or a Map whose keys are
   * not String/File, is an error. `lenient` (the default, used for outputs):
   * a Pair becomes `{"left": …, "right": …}` and map keys are written as strings.
   */
  readonly mode?: "strict" | "lenient";
  /**
   * `marked`: each Float becomes a JsonFloat, which `stringifyJson` writes as
   * a float literal (`5.0`), for JSON text that keeps Float and Int apart
   * (outputs, `write_json`). `number` (the default): a JS number, for data
   * compared or processed further.
   */
  readonly floats?: "number" | "marked";
  /** In `strict` mode, still write a Pair as `{"left": …, "right": …}` (WDL 1.0's `write_json`). */
  readonly pairsAsObjects?: boolean;
}

/**
 * Serializes a value to JSON data: None → null, Int → number (bigint beyond
 * 2^53, which `stringifyJson` writes exactly), Float → number (or JsonFloat), String/File/
 * Directory → string, Array → array, Struct/Object/Map → object.
 */
export function valueToJson(value: WdlValue, options: ToJsonOptions = {}): unknown {
  const strict = options.mode === "strict";
  switch (value.kind) {
    case "None":
      return null;
    case "Boolean":
      return value.value;
    case "Int":
      return value.value >= -(2n ** 53n) && value.value <= 2n ** 53n ? Number(value.value) : value.value;
    case "Float":
      if (!Number.isFinite(value.value)) {
        throw new ValueError(`the Float ${formatFloat(value.value)} cannot be written as JSON`, "not-serializable");
      }
      return options.floats === "marked" ? new JsonFloat(value.value) : value.value;
    case "String":
    case "File":
    case "Directory":
      return value.value;
    case "Array":
      return value.items.map((x) => valueToJson(x, options));
    case "Pair":
      if (strict && !options.pairsAsObjects) {
        throw new ValueError(
          "a Pair cannot be serialized to JSON; convert it to an Array or a struct first",
          "not-serializable",
        );
      }
      return { left: valueToJson(value.left, options), right: valueToJson(value.right, options) };
    case "Map": {
      const out: Record<string, unknown> = {};
      for (const [k, x] of value.entries) {
        let key: string;
        if (k.kind === "String" || k.kind === "File" || k.kind === "Directory") key = k.value;
        else if (!strict && (k.kind === "Int" || k.kind === "Float" || k.kind === "Boolean")) key = primitiveKey(k);
        else {
          throw new ValueError(
            `a Map with ${describeValue(k).split(" ")[0]} keys cannot be serialized to JSON; only String keys can`,
            "not-serializable",
          );
        }
        defineKey(out, key, valueToJson(x, options));
      }
      return out;
    }
    case "Enum":
      // An enum is written as its choice's name, as an input names it.
      return value.choice;
    case "Struct":
    case "Object": {
      const out: Record<string, unknown> = {};
      for (const [k, x] of value.members) defineKey(out, k, valueToJson(x, options));
      return out;
    }
  }
}

function primitiveKey(k: WdlValue): string {
  switch (k.kind) {
    case "Int":
      return k.value.toString();
    case "Float":
      return formatFloat(k.value);
    case "Boolean":
      return String(k.value);
    default:
      return "";
  }
}

/** Sets a key (even `__proto__`), keeping insertion order for integer-like keys (see KEY_ORDER). */
function defineKey(o: Record<string, unknown>, k: string, v: unknown): void {
  setJsonKey(o, k, v);
}
