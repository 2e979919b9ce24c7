version 1.1

task greet {
  input {
    String name
  }
  command <<<
    echo "hi ~{name}"
  >>>
  output {
    String line = read_string(stdout())
  }
}

workflow sub {
  meta {
    allowNestedInputs: true
  }
  call greet
  output {
    String line = greet.line
  }
}
