version 1.0

# 1.0's coercion table lets File become String inside compound values too.
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
