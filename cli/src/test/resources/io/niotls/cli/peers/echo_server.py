"""A TLS echo server on Python's ssl module, one connection at a time.

usage: echo_server.py CERT KEY CONNECTIONS SECONDS
Binds 127.0.0.1 on a free port and prints "listening PORT". Echoes each connection until the
client's close_notify, answers it with its own, and stops after CONNECTIONS connections or SECONDS.
Each connection ends with one line on stdout: "served PROTOCOL BYTES" or "failed REASON".
"""
import socket
import ssl
import sys
import time

cert, key, connections, seconds = sys.argv[1:5]
deadline = time.monotonic() + float(seconds)

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
# Python ignores an EOF without close_notify by default (recv gives b''): a truncation must fail
context.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
context.load_cert_chain(cert, key)
listener = socket.create_server(("127.0.0.1", 0))
print("listening %d" % listener.getsockname()[1], flush=True)

for _ in range(int(connections)):
    left = deadline - time.monotonic()
    if left <= 0:
        break
    listener.settimeout(left)
    try:
        raw, _ = listener.accept()
    except socket.timeout:
        break
    raw.settimeout(max(1.0, deadline - time.monotonic()))
    try:
        with context.wrap_socket(raw, server_side=True) as conn:
            echoed = 0
            while True:
                data = conn.recv(65536)
                if not data:  # close_notify
                    break
                conn.sendall(data)
                echoed += len(data)
            protocol = conn.version()
            conn.unwrap()  # our close_notify
            print("served %s %d" % (protocol, echoed), flush=True)
    except (OSError, ssl.SSLError) as e:
        print("failed %s" % str(e).replace("\n", " "), flush=True)
listener.close()
