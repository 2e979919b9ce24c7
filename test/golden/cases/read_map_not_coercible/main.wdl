version 1.1

# A read_map value that does not convert to the declared type fails the task, naming the key and the value.
task bad {
  command <<<
    printf 'a\t1\nb\ttwo\n' > ints.tsv
  >>>
  output {
    Map[String, Int] ints = read_map("ints.tsv")
  }
}
