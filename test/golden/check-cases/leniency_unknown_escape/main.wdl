version 1.1

# "\." is no escape of the spec: kept as the two characters, with a warning.
task grep_dots {
  input {
    String pattern = "a\.b"
  }
  command <<<
    echo '~{pattern}'
  >>>
  output {
    String out = read_string(stdout())
  }
}
