version 1.2

task count_words {
  input {
    String text
  }
  command <<<
    echo "~{text}" | wc -w
  >>>
  output {
    Int n = read_int(stdout())
  }
}

workflow count {
  input {
    String text
    Int bonus = 0
  }
  call count_words { text }
  output {
    Int words = count_words.n + bonus
  }
}
