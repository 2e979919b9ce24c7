version 1.3

# 1.3 path rules: a relative path outside `output` resolves against this document's
# directory and must exist; an optional one whose path is missing is None; inside
# `output` paths are the task's working directory's.
task read_it {
  input {
    File given = "data.txt"
  }
  File? absent = "no-such-file.txt"
  command <<<
    cat ~{given} > copy.txt
    echo "absent: ~{defined(absent)}"
  >>>
  output {
    String text = read_string("copy.txt")
    String note = read_string(stdout())
  }
}

workflow paths {
  File data = "data.txt"
  File? missing = "missing.txt"
  call read_it
  output {
    String first = read_string(data)
    Boolean has_missing = defined(missing)
    String copied = read_it.text
    String note = read_it.note
  }
}
