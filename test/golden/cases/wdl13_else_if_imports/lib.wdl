version 1.2

task greet {
  input {
    String who
  }
  command <<<
    echo "hello ~{who}"
  >>>
  output {
    String line = read_string(stdout())
  }
}
