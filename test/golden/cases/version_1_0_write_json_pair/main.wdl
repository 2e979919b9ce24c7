version 1.0

# WDL 1.0 write_json writes a Pair as {"left": ..., "right": ...} (1.1 made it an error).
task show {
  input {
    Pair[String, Int] p
  }
  command {
    cat ${write_json(p)}
  }
  output {
    String json = read_string(stdout())
  }
}

workflow version_1_0_write_json_pair {
  Pair[String, Int] sample = ("NA12878", 30)
  call show { input: p = sample }
  output {
    String json = show.json
    String from_workflow = read_string(write_json(sample))
  }
}
