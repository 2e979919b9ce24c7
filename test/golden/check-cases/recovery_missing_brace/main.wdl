version 1.0

workflow w {
  scatter (i in [1, 2]) {
    call sleep { input: seconds = i }

task sleep {
  input {
    Int seconds
  }
  command <<<
    sleep ~{seconds}
  >>>
}
