version 1.2

import "lib/count.wdl" as lib

workflow subworkflow {
  input {
    Array[String] texts
  }
  scatter (t in texts) {
    call lib.count { text = t }
  }
  call lib.count as single { text = "one two", bonus = 10 }
  output {
    Array[Int] words = count.words
    Int single_words = single.words
  }
}
