version 1.0

# WDL 1.0 too: an unset `Int?` passed to `Int cpu = 4` gives the default (as widely used engines do).
task show {
  input {
    Int cpu = 4
  }
  command {
    echo "cpu=${cpu}"
  }
  output {
    String line = read_string(stdout())
  }
}

workflow version_1_0_none_takes_default {
  input {
    Int? maybe_cpu
  }
  call show { input: cpu = maybe_cpu }
  output {
    String line = show.line
  }
}
