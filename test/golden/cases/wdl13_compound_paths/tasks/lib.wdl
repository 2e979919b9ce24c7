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
