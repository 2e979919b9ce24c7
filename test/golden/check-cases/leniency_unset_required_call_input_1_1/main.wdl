version 1.1

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
