version 1.3

# WDL 1.3: an enum input, an if / else if / else chain, and a task whose retries ask
# for more memory after an out-of-memory kill (requirements evaluated per attempt,
# with the previous attempt's requirements in task.previous).

enum Mode {
  Quick = 1,
  Standard = 2,
  Thorough = 4
}

task crunch {
  input {
    Mode mode
    Int megabytes
  }
  command <<<
    echo "~{mode} run, attempt ~{task.attempt + 1} of ~{task.max_retries + 1}, memory ~{task.memory} bytes"
    python3 -c 'x = bytearray(~{megabytes} * 1024 * 1024); print(len(x) // (1024 * 1024))' > allocated.txt
  >>>
  requirements {
    container: "ubuntu:latest"
    # 48 MiB first; four times the previous attempt's memory on each retry.
    memory: if defined(task.previous.memory) then "~{select_first([task.previous.memory]) * 4} B" else "48 MiB"
    max_retries: 2
  }
  hints {
    # The same amount as a hard limit (on Docker, a container above it is killed: out of memory).
    max_memory: if defined(task.previous.memory) then "~{select_first([task.previous.memory]) * 4} B" else "48 MiB"
  }
  output {
    Int allocated = read_int("allocated.txt")
    String log = read_string(stdout())
    Int attempts = task.attempt + 1
  }
}

workflow retry_memory {
  input {
    Mode mode = Mode.Quick
    Int megabytes = 100
  }
  if (mode == Mode.Quick) {
    call crunch as quick { mode, megabytes }
  } else if (mode == Mode.Thorough) {
    call crunch as thorough { mode, megabytes = megabytes * value(mode) }
  } else {
    call crunch as standard { mode, megabytes = megabytes * value(mode) }
  }
  output {
    String mode_name = "~{mode}"
    Int allocated = select_first([quick.allocated, thorough.allocated, standard.allocated])
    Int attempts = select_first([quick.attempts, thorough.attempts, standard.attempts])
  }
}
