version 1.1

task count_lines {
  input {
    File f
  }
  command <<<
    wc -l < ~{f}
  >>>
  output {
    String text = read_string(stdout())
    Int n = text
  }
}
