version 1.3

# A 1.3 workflow importing 1.2 tasks, choosing one branch of an if / else if / else chain
# per scatter element (inside a scatter, so each element decides on its own).
import "lib.wdl"

workflow else_if_imports {
  input {
    Array[Int] ns = [1, 5, 12]
  }
  scatter (n in ns) {
    if (n < 3) {
      call lib.greet as small { who = "small ~{n}" }
    } else if (n < 10) {
      call lib.greet as medium { who = "medium ~{n}" }
      Int medium_n = n
    } else {
      call lib.greet as large { who = "large ~{n}" }
    }
    String line = select_first([small.line, medium.line, large.line])
  }
  output {
    Array[String] lines = line
    Array[Int?] medium_ns = medium_n
  }
}
