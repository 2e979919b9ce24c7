version 1.3

# A required File declaration whose path does not exist fails when it is evaluated (1.3).
workflow missing_path {
  File data = "not-there.txt"
  output {
    String text = read_string(data)
  }
}
