version 1.2

task say {
  input {
    String word = "default"
    Int times = 1
  }
  command <<<
    for i in $(seq 1 ~{times}); do echo "~{word}"; done
  >>>
  output {
    Array[String] lines = read_lines(stdout())
  }
}

workflow nested_inputs {
  call say
  call say as say_twice { times = 2 }
  output {
    Array[String] a = say.lines
    Array[String] b = say_twice.lines
  }
  hints {
    allow_nested_inputs: true
  }
}
