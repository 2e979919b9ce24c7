version 1.0

# A licence header pasted above the version statement, and the statement again.

version 1.0

task t {
  command <<<
    echo hi
  >>>
}
