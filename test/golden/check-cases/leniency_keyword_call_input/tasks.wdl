version 1.1

# `version` is an ordinary name in 1.1.
task stamp {
  input {
    String version
  }
  command <<<
    echo "~{version}"
  >>>
  output {
    String out = read_string(stdout())
  }
}
