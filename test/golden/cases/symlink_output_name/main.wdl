version 1.1

# A task output that is a symlink its command made to another file of the run
# (a localized input, another call's output) is returned under the link's own
# name (file2.txt, link3.txt), not as the target's path.
task link_input {
  input {
    File f
  }
  command <<<
    ln -s "~{f}" file2.txt
  >>>
  output {
    File linked = "file2.txt"
    String name = basename(linked)
    String text = read_string(linked)
  }
}

task link_again {
  input {
    File g
  }
  command <<<
    ln -s "~{g}" link3.txt
  >>>
  output {
    File linked = "link3.txt"
    String name = basename(linked)
    String text = read_string(linked)
  }
}

workflow symlink_output_name {
  input {
    File f
  }
  call link_input { input: f = f }
  call link_again { input: g = link_input.linked }
  output {
    File first = link_input.linked
    String first_name = link_input.name
    String first_text = link_input.text
    String second_name = link_again.name
    String second_text = link_again.text
  }
}
