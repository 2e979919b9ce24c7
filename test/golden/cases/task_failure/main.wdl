version 1.2

task ok {
  command <<<
    echo fine
  >>>
  output {
    String s = read_string(stdout())
  }
}

task boom {
  input {
    Int code
  }
  command <<<
    echo "line one" >&2
    echo "something went wrong" >&2
    exit ~{code}
  >>>
}

workflow task_failure {
  call ok
  scatter (c in [0, 7]) {
    call boom { code = c }
  }
  call ok as after_boom { }
  output {
    String s = ok.s
  }
}
