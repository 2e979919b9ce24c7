version 1.3

# Enums defined in an imported document: the importer sees them like structs.
enum Color {
  Red = "#FF0000",
  Green = "#00FF00"
  Blue = "#0000FF"
}

struct Res {
  Int cpu
  String memory
}

enum Preset {
  Small = Res { cpu: 1, memory: "1 GiB" },
  Large = Res { cpu: 4, memory: "4 GiB" }
}
