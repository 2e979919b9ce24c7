version 1.1

workflow numbers_as_text {
  input {
    Array[Int] counts = [1, 2]
    Map[String, Float] scores = {"a": 1.5}
  }
  Array[String] labels = counts
  Map[String, String] texts = scores
  output {
    Array[String] out = labels
    Map[String, String] out_map = texts
  }
}
