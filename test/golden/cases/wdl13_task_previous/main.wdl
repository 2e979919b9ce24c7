version 1.3

# Requirements are evaluated per attempt with `task` in scope: each retry asks for
# twice the memory of the attempt before it (task.previous), and the command sees
# task.max_retries and the previous attempt's memory and exit code.
task grow {
  command <<<
    echo "attempt ~{task.attempt} of ~{task.max_retries + 1}: memory ~{task.memory}, previous ~{task.previous.memory} (exit ~{task.previous.return_code})"
    if [ ~{task.attempt} -lt 2 ]; then exit 3; fi
  >>>
  requirements {
    memory: if defined(task.previous.memory) then "~{select_first([task.previous.memory]) * 2} B" else "100 MiB"
    max_retries: 2
  }
  output {
    String line = read_string(stdout())
    Int memory = task.memory
    Int attempts = task.attempt + 1
  }
}
