version 1.3

import "colors.wdl" alias Preset as Size

enum Status { Pending, Running, Done }

enum Priority[Float] {
  Low = 1,
  High = 10
}

struct Job {
  String name
  Color color
}

task paint {
  input {
    Color color = Color.Green
    Size size = Size.Small
  }
  command <<<
    echo "painting ~{color} ~{value(color)} with ~{value(size).cpu} cpu"
  >>>
  output {
    String line = read_string(stdout())
    Color used = color
  }
}

workflow enums_split {
  input {
    Color favorite
    Array[Status] statuses = [Status.Pending, Status.Done]
    String csv = "a,b,,c"
  }
  call paint { color = favorite, size = Size.Large }
  Job job = Job { name: "j", color: Color.Blue }
  scatter (s in statuses) {
    String status_name = "s:~{s}"
  }
  output {
    String hex = value(favorite)
    Float high = value(Priority.High)
    Boolean is_red = favorite == Color.Red
    Boolean blue_job = job.color == Color.Blue
    Array[String] status_names = status_name
    Array[Status] statuses_out = statuses
    String line = paint.line
    Color used = paint.used
    Job j = job
    Array[String] parts = split(csv, ",")
    Array[String] words = split("one  two\tthree", "[[:space:]]+")
    Array[String] whole = split("abc", "x*")
  }
}
