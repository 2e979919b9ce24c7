version 1.1

task t {
  input {
    String pattern = "a\.b"
    Int n = 2
  }
  command <<<
    echo '~{pattern}'
  >>>
  runtime {
    cpu: 1
    cpu: n
  }
}
