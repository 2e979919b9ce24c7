version 1.1

workflow mix {
  input {
    Int n = 3
    Boolean flag = true
  }
  Array[String] items = ["a", n]
  String chosen = if flag then n else "none"
  output {
    Array[String] all = items
    String pick = chosen
  }
}
