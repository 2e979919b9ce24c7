version 1.2

task info {
  meta {
    description: "shows the task variable"
  }
  command <<<
    echo "~{task.name} ~{task.id} cpu=~{task.cpu} mem=~{task.memory}"
    echo "~{task.meta.description}"
  >>>
  output {
    Array[String] lines = read_lines(stdout())
    Float cpu = task.cpu
    Int memory = task.memory
    Int disk_count = length(task.disks)
  }
  requirements {
    cpu: 1
    memory: "1 GiB"
    disks: ["1", "/mnt/scratch 2 GiB"]
  }
}

workflow task_variable_overrides {
  call info
  scatter (i in [1, 2]) {
    call info as scattered
  }
  output {
    Array[String] lines = info.lines
    Float cpu = info.cpu
    Int memory = info.memory
    Int disk_count = info.disk_count
    Array[Array[String]] scattered_lines = scattered.lines
  }
}
