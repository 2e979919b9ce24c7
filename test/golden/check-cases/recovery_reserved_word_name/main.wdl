version 1.1

# One reserved word as a name: one error at it, not a cascade.
task count {
  input {
    File input
    Int n = 3
  }
  command <<<
    head -n ~{n} ~{input}
  >>>
  output {
    String out = read_string(stdout())
  }
  runtime {
    docker: "ubuntu:22.04"
  }
}
