version 1.2

import "inner.wdl"

# None (or an unset T?) given to a call input with a default: the default
# applies when the input's type is not optional (`Int cpu = 4`), and None
# stays None when it is (`String? tag = "v1"`), per "Optional inputs with
# defaults". Also for a sub-workflow's input and for null in the inputs JSON.
task show {
  input {
    Int cpu = 4
    String? tag = "v1"
  }
  command <<<
    echo "cpu=~{cpu} tag=~{if defined(tag) then tag else "none"}"
  >>>
  output {
    String line = read_string(stdout())
  }
}

workflow none_takes_default {
  input {
    Int? maybe_cpu
    Int threads = 2
  }
  call show as given_none { cpu = maybe_cpu, tag = None }
  call show as given_value { cpu = 1, tag = "v2" }
  call show as omitted
  call inner.inner { n = maybe_cpu }
  output {
    String none_line = given_none.line
    String value_line = given_value.line
    String omitted_line = omitted.line
    Int inner_n = inner.n_out
    Int threads_out = threads
  }
}
