# Sends N requests to 127.0.0.1:PORT, each on its own connection, with an invented HTTP method of 8 random letters
# and LEN more characters: /metrics must not grow a series per method (RELIABILITY.md, hostile clients).
#   python3 scripts/odd-methods.py PORT N LEN
import random, socket, string, sys

port, n, mlen = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    m = ''.join(random.choice(string.ascii_uppercase) for _ in range(8)) + 'X' * mlen
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall((m + ' /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n').encode())
    try:
        s.recv(100)
    except OSError:
        pass
    s.close()
