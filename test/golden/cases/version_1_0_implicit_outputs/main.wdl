version 1.0

# A WDL 1.0 workflow without an output section returns every call's outputs
# (`wf.call.out`): a scattered call gives Arrays, a call whose conditional did
# not run gives null, a sub-workflow without outputs gives `wf.sub.call.out`.
import "sub.wdl" as sub

task square {
  input {
    Int n
  }
  command {
    echo $(( ${n} * ${n} ))
  }
  output {
    Int sq = read_int(stdout())
    String label = "n=${n}"
  }
}

workflow version_1_0_implicit_outputs {
  input {
    Boolean extra = false
  }
  call square as first { input: n = 3 }
  scatter (i in [1, 2]) {
    call square { input: n = i }
  }
  if (extra) {
    call square as skipped { input: n = 9 }
  }
  call sub.inner
  scatter (j in [5, 6]) {
    call sub.inner as inner_each { input: x = j }
  }
}
