version 1.2



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
