version 1.1

# read_map's String values coerce to the declared value type at run time
# (Appendix A): Int, Float, Boolean, File; a value that does not convert is a
# run-time error naming the key and the value (case read_map_not_coercible).
task counts {
  command <<<
    printf 'a\t1\nb\t22\n' > ints.tsv
    printf 'x\t0.5\ny\t3\n' > floats.tsv
    printf 'on\ttrue\noff\tFalse\n' > flags.tsv
    echo data > data.txt
    printf 'd\tdata.txt\n' > files.tsv
  >>>
  output {
    Map[String, Int] ints = read_map("ints.tsv")
    Map[String, Float] floats = read_map("floats.tsv")
    Map[String, Boolean] flags = read_map("flags.tsv")
    Map[String, File] files = read_map("files.tsv")
  }
}

workflow read_map_coercion {
  call counts
  output {
    Map[String, Int] ints = counts.ints
    Map[String, Float] floats = counts.floats
    Map[String, Boolean] flags = counts.flags
    String data = read_string(counts.files["d"])
  }
}
