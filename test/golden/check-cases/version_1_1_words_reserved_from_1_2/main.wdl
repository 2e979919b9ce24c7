version 1.1

# `version`, `hints`, `requirements` and `Directory` are reserved only from
# 1.2 on: ordinary names here.
task versions {
  input {
    String hints = "none"
    Int requirements = 2
  }
  command <<<
    echo 1.2.3 > VERSION
  >>>
  output {
    String version = read_string("VERSION")
    String Directory = hints + "~{requirements}"
  }
}
