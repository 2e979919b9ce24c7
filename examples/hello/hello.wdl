version 1.2

# The smallest useful workflow: one task, one input, one output.
task say_hello {
  input {
    String name
  }
  command <<<
    echo "Hello, ~{name}!"
  >>>
  output {
    String greeting = read_string(stdout())
  }
}

workflow hello {
  input {
    String name = "world"
  }
  call say_hello { name }
  output {
    String greeting = say_hello.greeting
  }
}
