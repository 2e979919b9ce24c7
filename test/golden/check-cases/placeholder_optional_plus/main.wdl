version 1.1

# `+` with an optional operand inside a placeholder's expression, not only
# at its root, is valid; so is `~{` inside meta strings (plain text there).
task flags {
  meta {
    description: "runs with ~{flag} when given"
  }
  input {
    String? flag
  }
  command <<<
    tool ~{if defined(flag) then "--flag " + flag else ""}
  >>>
  output {
    String out = read_string(stdout())
  }
}
