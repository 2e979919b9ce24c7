version 1.2

task square {
  input {
    Int x
  }
  command <<<
    echo $(( ~{x} * ~{x} ))
  >>>
  output {
    Int sq = read_int(stdout())
  }
}

workflow scatter_gather {
  input {
    Array[Int] xs
    Array[String] names = ["a", "b"]
  }
  scatter (x in xs) {
    call square { x }
    Int doubled = square.sq * 2
    scatter (n in names) {
      String tag = "~{n}~{x}"
    }
  }
  scatter (p in zip(xs, square.sq)) {
    String pair = "~{p.left}->~{p.right}"
  }
  output {
    Array[Int] squares = square.sq
    Array[Int] doubles = doubled
    Array[Array[String]] tags = tag
    Array[String] pairs = pair
    Int total = length(flatten(tag))
  }
}
