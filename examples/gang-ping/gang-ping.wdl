version 1.2

# A gang-scheduled task (wdlrun's `nodes` hint, Docker or swarm backend): the
# task runs as `ranks` containers admitted together, on a network of their own. Every
# rank gets RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT; rank 0 listens,
# every other rank sends it a message over TCP and waits for its answer.
# Rank 0's stdout is the task's; rank K's is in attempt-1/rank-K/stdout.
task ping {
  input {
    Int ranks = 2
  }
  command <<<
    python3 - <<'PY'
    import os, socket, time

    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    addr, port = os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"])
    if rank == 0:
        server = socket.create_server(("", port))
        heard = []
        for _ in range(world - 1):
            conn, _ = server.accept()
            with conn:
                heard.append(conn.recv(1024).decode())
                conn.sendall(b"ack from rank 0")
        for line in sorted(heard):
            print(line)
    else:
        for _ in range(300):
            try:
                conn = socket.create_connection((addr, port), timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"rank {rank}: rank 0 at {addr}:{port} never answered")
        with conn:
            conn.sendall(f"hello from rank {rank} of {world} ({socket.gethostname()})".encode())
            print(conn.recv(1024).decode())
    PY
  >>>
  output {
    Array[String] heard = read_lines(stdout())
  }
  requirements {
    container: "python:latest"
    cpu: 1
    memory: "256 MiB"
  }
  hints {
    nodes: ranks
  }
}

workflow gang_ping {
  input {
    Int ranks = 2
  }
  call ping { ranks }
  output {
    Array[String] heard = ping.heard
  }
}
