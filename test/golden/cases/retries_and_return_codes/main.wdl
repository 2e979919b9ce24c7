version 1.2

task flaky {
  command <<<
    echo "attempt ~{task.attempt}"
    if [ ~{task.attempt} -lt 2 ]; then
      echo "failing on purpose" >&2
      exit 1
    fi
  >>>
  output {
    String said = read_string(stdout())
    Int attempt = task.attempt
  }
  requirements {
    max_retries: 3
  }
}

task odd_code {
  command <<<
    echo done
    exit 3
  >>>
  output {
    Int? code = task.return_code
  }
  requirements {
    return_codes: [0, 3]
  }
}

task any_code {
  command <<<
    exit 42
  >>>
  output {
    Int? code = task.return_code
  }
  requirements {
    return_codes: "*"
  }
}

workflow retries_and_return_codes {
  call flaky
  call odd_code
  call any_code
  output {
    String said = flaky.said
    Int attempts = flaky.attempt
    Int? odd = odd_code.code
    Int? any = any_code.code
  }
}
