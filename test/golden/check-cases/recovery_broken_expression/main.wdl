version 1.0

# A broken expression: the first error is where it breaks; the rest of the
# document is still checked.
task t {
  input {
    Int n = 3 +
    String s
  }
  command <<<
    echo ~{s}
  >>>
  output {
    String out = undefined_name
  }
}
