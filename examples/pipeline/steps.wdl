version 1.2

# Tasks used by pipeline.wdl (imported as `steps`).

task make_numbers {
  input {
    Int count
  }
  command <<<
    seq 1 ~{count} > numbers.txt
  >>>
  output {
    File numbers = "numbers.txt"
  }
}

task summarize {
  input {
    File numbers
  }
  command <<<
    awk '{ s += $1 } END { print s }' ~{numbers}
  >>>
  output {
    Int sum = read_int(stdout())
  }
}

workflow stats {
  input {
    Int count
  }
  call make_numbers { count }
  call summarize { numbers = make_numbers.numbers }
  output {
    File numbers = make_numbers.numbers
    Int sum = summarize.sum
  }
}
