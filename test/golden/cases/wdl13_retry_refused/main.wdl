version 1.3

# Requirements are evaluated per attempt, and so is the refusal of a request the
# backend can never grant: the first attempt (1 cpu) runs and fails, the retry asks
# for 64 cpu (from task.previous) and is refused.
task greedy {
  command <<<
    echo "attempt ~{task.attempt} with ~{task.cpu} cpu"
    exit 1
  >>>
  requirements {
    cpu: if defined(task.previous.cpu) then 64 else 1
    max_retries: 1
  }
}
