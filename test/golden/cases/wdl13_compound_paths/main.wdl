version 1.3

# 1.3 path rules inside compound values: every File/Directory in an array, map, pair,
# struct or optional resolves against this document's directory and must exist; an
# optional one whose path is missing becomes None (an Array[File?] item too).
import "tasks/lib.wdl"

struct Sample {
  String name
  File reads
  File? index
}

workflow compound_paths {
  Array[File] fs = ["a.txt", "b.txt"]
  Array[File?] maybe = ["a.txt", "no-such.txt"]
  Map[String, File] by_name = {"a": "a.txt", "b": "b.txt"}
  Pair[File, Directory] pair = ("b.txt", "sub")
  Sample sample = Sample { name: "s1", reads: "a.txt", index: "no-such.idx" }
  Array[Sample]? samples = [Sample { name: "s2", reads: "b.txt" }]
  call lib.count { files = fs }
  call lib.count as literal { files = ["a.txt", "sub/c.txt"] }
  call lib.sub
  output {
    Array[String] texts = [read_string(fs[0]), read_string(fs[1])]
    Array[Boolean] defined_maybe = [defined(maybe[0]), defined(maybe[1])]
    String b = read_string(by_name["b"])
    Array[String] in_dir = read_lines(pair.left)
    Array[File] listed = [pair.right + "/c.txt"]
    String reads = read_string(sample.reads)
    Boolean has_index = defined(sample.index)
    String first_of_samples = read_string(select_first([samples])[0].reads)
    Array[String] counted = count.lines
    Array[String] counted_literal = literal.lines
    String from_sub = sub.text
  }
}
