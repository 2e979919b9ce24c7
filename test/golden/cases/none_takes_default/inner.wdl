version 1.2

workflow inner {
  input {
    Int n = 7
  }
  output {
    Int n_out = n
  }
}
