# Opens N keep-alive connections to 127.0.0.1:PORT, each sending one GET /health and reading its answer, and holds
# them HOLD seconds (RELIABILITY.md, hostile clients: a fresh client must still be served).
#   python3 scripts/idle-conns.py PORT N HOLD
import socket, sys, time, resource
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
conns, served, failed = [], 0, 0
req = b'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
for i in range(n):
    try:
        s = socket.create_connection(('127.0.0.1', port), timeout=2)
        s.sendall(req)
        if s.recv(200).startswith(b'HTTP/1.1 200'):
            served += 1
        conns.append(s)
    except Exception as e:
        failed += 1
print(f'opened {len(conns)}, served {served}, failed {failed}', flush=True)
time.sleep(hold)
