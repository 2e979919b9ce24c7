version 1.3

# A 1.3 workflow calls the 1.1 task by its input's name, a keyword in 1.3.
import "tasks.wdl"

workflow w {
  call tasks.stamp { input: version = "1.2.3" }
  output {
    String out = stamp.out
  }
}
