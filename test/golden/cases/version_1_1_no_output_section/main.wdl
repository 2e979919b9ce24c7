version 1.1

# From 1.1 a workflow without an output section has no outputs (only 1.0 returns every call's).
task hello {
  command <<<
    echo hi
  >>>
  output {
    String said = read_string(stdout())
  }
}

workflow version_1_1_no_output_section {
  call hello
}
