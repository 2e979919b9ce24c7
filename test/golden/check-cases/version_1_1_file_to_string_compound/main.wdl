version 1.1


workflow paths_as_text {
  input {
    Array[File] files = []
    File? maybe
  }
  Array[String] names = files
  String? name = maybe
  output {
    Array[String] out = names
    String? one = name
  }
}
