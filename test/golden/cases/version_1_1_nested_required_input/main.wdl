version 1.1

# A WDL 1.0/1.1 call that leaves a required input unset makes it an input of
# the workflow under its nested key (`wf.call.x`), here also through a
# sub-workflow (`wf.sub.greet.name`).
import "sub.wdl" as sub

task greet {
  input {
    String name
    String greeting = "hello"
  }
  command <<<
    echo "~{greeting} ~{name}"
  >>>
  output {
    String line = read_string(stdout())
  }
}

workflow version_1_1_nested_required_input {
  meta {
    allowNestedInputs: true
  }
  call greet
  call greet as greet_fixed { input: name = "fixed" }
  call sub.sub
  output {
    String line = greet.line
    String fixed = greet_fixed.line
    String from_sub = sub.line
  }
}
