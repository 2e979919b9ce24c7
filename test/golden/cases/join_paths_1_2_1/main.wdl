version 1.2

# WDL 1.2.1 corrections: join_paths takes a Directory as its first argument;
# a relative result resolves against the task's working directory; inside
# `output`, task.return_code is an Int.
task paths {
  input {
    Directory abs_dir = "/usr"
    Directory rel_dir = "mydir"
    String rel_str = "mydata.txt"
  }
  File bin = join_paths(abs_dir, ["bin", "echo"])
  File data = join_paths(rel_dir, rel_str)
  command <<<
    mkdir ~{rel_dir}
    ~{bin} -n "hello" > ~{data}
    exit 3
  >>>
  requirements {
    return_codes: [0, 3]
  }
  output {
    String result = read_string(data)
    String data_path = data
    Int rc = task.return_code
  }
}
