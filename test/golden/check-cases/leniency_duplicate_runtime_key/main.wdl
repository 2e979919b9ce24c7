version 1.0

task t {
  command <<<
    echo hi
  >>>
  runtime {
    memory: "1 GiB"
    docker: "ubuntu:22.04"
    memory: "2 GiB"
  }
}
