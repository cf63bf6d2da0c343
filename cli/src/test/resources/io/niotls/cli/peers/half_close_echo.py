"""A TLS client that sends random bytes, half-closes with close_notify while the echo is still on its
way, and reads the echo until the server's close_notify (or the end of the connection).

usage: half_close_echo.py HOST PORT CAFILE SERVERNAME VERSION BYTES SECONDS
  VERSION is 1.2 or 1.3; the certificate is checked against CAFILE and SERVERNAME (also sent as SNI).
Prints one line of key=value: sent, received, sent_sha256, received_sha256, prefix (ok when what
arrived equals the start of what was sent), end (close_notify, eof, reset, timeout or error:...),
protocol.

ssl.SSLSocket cannot send close_notify and keep reading (its unwrap() waits for the peer's), so the
TLS object works on memory buffers and this script moves the bytes between them and the socket.
"""
import hashlib
import os
import selectors
import socket
import ssl
import sys
import time

host, port, cafile, name, version, size, seconds = sys.argv[1:8]
port, size, deadline = int(port), int(size), time.monotonic() + float(seconds)

context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.load_verify_locations(cafile)
pinned = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
context.minimum_version = context.maximum_version = pinned

incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = context.wrap_bio(incoming, outgoing, server_hostname=name)
sock = socket.create_connection((host, port), timeout=float(seconds))
sock.setblocking(False)
selector = selectors.DefaultSelector()
selector.register(sock, selectors.EVENT_READ)

data = os.urandom(size)
received_hash = hashlib.sha256()
received, offset, end = 0, 0, None
handshaken = closing = False
wire = bytearray()  # ciphertext on its way to the socket
# keep at most this much unsent, so close_notify leaves while plenty of echo is still to come
window = 256 * 1024

while end is None and time.monotonic() < deadline:
    try:
        if not handshaken:
            tls.do_handshake()
            handshaken = True
        while True:
            chunk = tls.read(65536)
            if not chunk:
                raise ssl.SSLZeroReturnError()
            received += len(chunk)
            received_hash.update(chunk)
    except ssl.SSLWantReadError:
        pass
    except ssl.SSLZeroReturnError:
        end = "close_notify"
    except ssl.SSLError as e:
        end = "error:" + str(e).replace(" ", "_")
    if handshaken and end is None:
        while offset < size and len(wire) + outgoing.pending < window:
            offset += tls.write(data[offset:offset + 16384])
        if offset == size and not closing:
            # Every byte that arrived went through tls.read() above, so nothing waits unread
            # where unwrap()'s attempt to read the peer's close_notify could throw it away.
            assert incoming.pending == 0
            try:
                tls.unwrap()  # queues our close_notify
            except ssl.SSLWantReadError:
                pass  # the server's has not come yet: keep reading the echo
            closing = True
    wire.extend(outgoing.read())
    if end is not None:
        break
    selector.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if wire else 0))
    for _, mask in selector.select(timeout=1.0):
        if mask & selectors.EVENT_WRITE:
            try:
                del wire[: sock.send(wire)]
            except BlockingIOError:
                pass
        if mask & selectors.EVENT_READ:
            try:
                chunk = sock.recv(262144)
            except BlockingIOError:
                continue
            except ConnectionResetError:
                end = "reset"
                break
            if not chunk:
                end = "eof"
            incoming.write(chunk)

sock.close()
prefix = hashlib.sha256(data[:received]).hexdigest() == received_hash.hexdigest()
print(
    "sent=%d received=%d sent_sha256=%s received_sha256=%s prefix=%s end=%s protocol=%s"
    % (
        size,
        received,
        hashlib.sha256(data).hexdigest(),
        received_hash.hexdigest(),
        "ok" if prefix else "bad",
        end or "timeout",
        tls.version(),
    )
)
