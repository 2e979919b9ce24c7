version 1.3

# task.max_retries inside the requirements is the max_retries the sections give
# (read once with it at 0), also when max_retries itself reads `task`.
task sized {
  command <<<
    echo "max_retries ~{task.max_retries}, cpu ~{task.cpu}"
  >>>
  requirements {
    max_retries: if task.attempt == 0 then 3 else 1
    cpu: task.max_retries + 1
  }
  output {
    String line = read_string(stdout())
  }
}
