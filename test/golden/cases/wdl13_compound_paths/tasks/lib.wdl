version 1.3

# A task in another directory: its defaults' relative paths are this document's.
task count {
  input {
    Array[File] files
    Array[File] own = ["t.txt"]
  }
  Pair[String, File?] maybe = ("none", "not-here.txt")
  command <<<
    cat ~{sep(" ", files)} ~{sep(" ", own)} | wc -l | tr -d ' '
    echo "maybe: ~{defined(maybe.right)}"
  >>>
  output {
    Array[String] lines = read_lines(stdout())
  }
}

# A sub-workflow in the same directory: its declarations' paths are this document's too.
workflow sub {
  Map[String, Array[File]] by_kind = {"own": ["t.txt"]}
  output {
    String text = read_string(by_kind["own"][0])
  }
}
