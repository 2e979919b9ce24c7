version 1.0

# In 1.0 a call may leave a required input unset: it becomes an input of
# the workflow (w.greet.name). No diagnostic.
task greet {
  input {
    String name
  }
  command <<<
    echo "hello ~{name}"
  >>>
  output {
    String out = read_string(stdout())
  }
}

workflow w {
  call greet
  output {
    String out = greet.out
  }
}
