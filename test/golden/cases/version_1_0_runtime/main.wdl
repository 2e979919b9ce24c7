version 1.0

task echo_it {
  input {
    String msg
    Int n = 2
  }
  command {
    echo "${msg} x${n}"
  }
  runtime {
    docker: "ubuntu:latest"
    memory: "1 GB"
    cpu: 1
    maxRetries: 1
  }
  output {
    String out = read_string(stdout())
  }
}

workflow version_1_0_runtime {
  input {
    String msg
  }
  call echo_it { input: msg = msg }
  output {
    String out = echo_it.out
  }
}
