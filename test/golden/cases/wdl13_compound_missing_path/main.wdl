version 1.3

# A required File inside a compound value whose path does not exist fails its
# declaration, naming the declaration and the path: in a workflow (an Array[File] item)
# and in a task (a struct member).
struct Sample {
  String name
  File reads
}

task use_sample {
  Sample sample = Sample { name: "s", reads: "gone.fastq" }
  command <<<
    cat ~{sample.reads}
  >>>
}

workflow compound_missing_path {
  Array[File] fs = ["a.txt", "gone.txt"]
  call use_sample
  output {
    Int n = length(fs)
  }
}
