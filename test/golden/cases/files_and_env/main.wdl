version 1.2

task process {
  input {
    File data
    env String greeting
    Array[String] extra
  }
  File extra_file = write_lines(extra)
  command <<<
    echo "$greeting from the environment"
    sort -r ~{data} > sorted.txt
    cat ~{extra_file} > extra.txt
    mkdir -p parts
    printf 1 > parts/a.part
    printf 2 > parts/b.part
    echo "to stderr" >&2
  >>>
  output {
    String said = read_string(stdout())
    File sorted = "sorted.txt"
    Array[String] sorted_lines = read_lines(sorted)
    Array[File] parts = glob("parts/*.part")
    File? missing = "not-there.txt"
    String err = read_string(stderr())
    Array[String] extra_back = read_lines("extra.txt")
  }
}

workflow files_and_env {
  input {
    File data
  }
  Array[String] extra = ["x", "y"]
  call process { data, greeting = "hi", extra }
  output {
    String said = process.said
    File sorted = process.sorted
    Array[String] sorted_lines = process.sorted_lines
    Array[File] parts = process.parts
    File? missing = process.missing
    String err = process.err
    Array[String] extra_back = process.extra_back
    Int data_lines = length(read_lines(data))
  }
}
