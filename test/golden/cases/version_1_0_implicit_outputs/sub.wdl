version 1.0

task twice {
  input {
    Int x
  }
  command {
    echo $(( ${x} * 2 ))
  }
  output {
    Int y = read_int(stdout())
  }
}

workflow inner {
  input {
    Int x = 4
  }
  call twice { input: x = x }
}
