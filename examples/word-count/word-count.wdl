version 1.2

# Scatter-gather: count the words of each text in parallel, then add the counts up.

task count_words {
  input {
    File text
  }
  command <<<
    wc -w < ~{text} | tr -d ' '
  >>>
  output {
    Int words = read_int(stdout())
  }
  requirements {
    cpu: 1
    memory: "64 MiB"
  }
}

task add_up {
  input {
    Array[Int] counts
  }
  command <<<
    echo $(( ~{sep(" + ", counts)} ))
  >>>
  output {
    Int total = read_int(stdout())
  }
  requirements {
    memory: "64 MiB"
  }
}

workflow word_count {
  input {
    Array[File] texts
  }
  scatter (text in texts) {
    call count_words { text }
  }
  call add_up { counts = count_words.words }
  output {
    Array[Int] per_text = count_words.words
    Int total = add_up.total
  }
}
