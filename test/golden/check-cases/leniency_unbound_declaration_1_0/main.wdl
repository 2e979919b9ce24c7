version 1.0

# A draft-2 habit: declarations without a value in a task with no input
# section are read as inputs, with a warning.
task greet {
  String name
  Int times = 1
  command <<<
    echo "hello ~{name} x~{times}"
  >>>
  output {
    String out = read_string(stdout())
  }
}
