import { describe, expect, it } from "vitest";
import { mixedIndentationWarning, renderCommand } from "../../src/eval/command.js";
import { V, type WdlValue } from "../../src/values/value.js";
import { command, ctx, E, memoryIO } from "./kit.js";

const render = (c: ReturnType<typeof command>, b: Record<string, WdlValue> = {}) => renderCommand(c, ctx(b));

describe("renderCommand: stripping leading whitespace", () => {
  it("removes the common indentation and the delimiter lines (heredoc)", () => {
    const c = command(
      "heredoc",
      "\n  python <<CODE\n    with open(\"",
      E.name("infile"),
      "\") as fp:\n      for line in fp:\n        print(line)\n  CODE\n  ",
    );
    expect(render(c, { infile: V.file("/path/to/file") })).toBe(
      'python <<CODE\n  with open("/path/to/file") as fp:\n    for line in fp:\n      print(line)\nCODE',
    );
  });

  it("applies the same rules to brace commands", () => {
    const c = command("brace", "\n    echo a\n      echo b\n    ");
    expect(render(c)).toBe("echo a\n  echo b");
  });

  it("computes the indentation before substituting placeholders", () => {
    // The placeholder's value has leading spaces; they must survive.
    const c = command("heredoc", "\n    ", E.name("spaces"), "Hello\n    World\n");
    expect(render(c, { spaces: V.string("  ") })).toBe("  Hello\nWorld");
  });

  it("counts a line that starts with a placeholder as unindented", () => {
    const c = command("heredoc", "\n", E.name("x"), "\n    echo b\n");
    expect(render(c, { x: V.string("echo a") })).toBe("echo a\n    echo b");
  });

  it("ignores blank lines when computing the indentation and keeps them", () => {
    const c = command("heredoc", "\n    echo a\n\n  \n    echo b\n");
    expect(render(c)).toBe("echo a\n\n\necho b");
  });

  it("counts a tab as one whitespace character, like a space", () => {
    const c = command("heredoc", "\n    echo a\n\techo b\n");
    expect(render(c)).toBe("   echo a\necho b");
  });

  it("warns when the indentation mixes tabs and spaces, and only then", () => {
    expect(mixedIndentationWarning(command("heredoc", "\n    echo a\n\techo b\n"))?.code).toBe("mixed-indentation");
    expect(mixedIndentationWarning(command("heredoc", "\n    echo a\n      echo b\n"))).toBeUndefined();
    // A tab after the indentation, or on a blank line, does not count.
    expect(mixedIndentationWarning(command("heredoc", "\n    echo\ta\n\t\n"))).toBeUndefined();
  });

  it("keeps line continuations and dedents continued lines", () => {
    const c = command("heredoc", '\n  echo "~a \\\n    b"\n  ');
    expect(render(c)).toBe('echo "~a \\\n  b"');
  });

  it("handles a one-line command on the delimiter line", () => {
    expect(render(command("heredoc", ' printf "hello world" '))).toBe('printf "hello world"');
    expect(render(command("heredoc", " "))).toBe("");
    expect(render(command("heredoc"))).toBe("");
  });

  it("unescapes \\>>> in heredoc commands only", () => {
    expect(render(command("heredoc", "\n  echo \\>>> x\n"))).toBe("echo >>> x");
    expect(render(command("brace", "\n  echo \\>>> x\n"))).toBe("echo \\>>> x");
  });
});

describe("renderCommand: placeholders", () => {
  it("shows File and Directory values through io.commandPath", () => {
    const io = memoryIO({}, { commandPath: (p, kind) => `/mnt/${kind}${p}` });
    const c = command("heredoc", "\n  cat ", E.name("f"), " ", E.name("d"), " ", E.name("s"), "\n");
    const out = renderCommand(c, ctx({ f: V.file("/in/a.txt"), d: V.directory("/in/dir"), s: V.string("/in/a.txt") }, { io }));
    expect(out).toBe("cat /mnt/File/in/a.txt /mnt/Directory/in/dir /in/a.txt");
  });

  it("renders optional flags and None as the empty string", () => {
    const c = command("heredoc", "\n  grep ", E.bin("+", E.str("-m "), E.name("max")), " pat\n");
    expect(render(c, { max: V.int(2) })).toBe("grep -m 2 pat");
    expect(render(c, { max: { kind: "None" } })).toBe("grep  pat");
  });
});
