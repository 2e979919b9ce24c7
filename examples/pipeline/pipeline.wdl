version 1.2

# A sub-workflow called once per size, a conditional step, and a retried task.

import "steps.wdl" as steps

task check {
  input {
    Array[Int] sums
  }
  command <<<
    # Fails on the first attempt to show retries (see attempt-1/ and attempt-2/).
    if [ ~{task.attempt} -eq 0 ]; then echo "transient failure" >&2; exit 1; fi
    echo "sums: ~{sep(", ", sums)}"
  >>>
  output {
    String report = read_string(stdout())
  }
  requirements {
    max_retries: 2
  }
}

workflow pipeline {
  input {
    Array[Int] sizes = [10, 100, 1000]
    Boolean verify = true
  }
  scatter (size in sizes) {
    call steps.stats { count = size }
  }
  if (verify) {
    call check { sums = stats.sum }
  }
  output {
    Array[Int] sums = stats.sum
    Array[File] number_files = stats.numbers
    String? report = check.report
  }
}
