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

workflow conditionals {
  input {
    Boolean formal = false
    Array[Int] ns = [1, 2, 3, 4]
  }
  if (formal) {
    call greet as formal_greet { who = "sir" }
  }
  if (!formal) {
    call greet { who = "friend" }
  }
  scatter (n in ns) {
    if (n % 2 == 0) {
      Int even = n
      call greet as greet_even { who = "even ~{n}" }
    }
  }
  output {
    String? formal_line = formal_greet.line
    String chosen = select_first([formal_greet.line, greet.line])
    Array[Int?] evens = even
    Array[Int] only_evens = select_all(even)
    Array[String] even_lines = select_all(greet_even.line)
  }
}
