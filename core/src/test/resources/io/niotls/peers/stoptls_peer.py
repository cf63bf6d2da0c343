# The Python side of the stopTls tests: ssl.SSLSocket.unwrap() as the peer.
#
#   stoptls_peer.py server|client TLSv1_3|TLSv1_2 python|niotls [port]
#
# Over TLS: the client sends "hello over tls", the server answers "tls echo: hello over tls". Then
# the side named third (the initiator) sends "STOPTLS", the other answers "OK", and both end TLS:
# Python with SSLSocket.unwrap(). Python corks the socket (TCP_CORK) around its close_notify and
# its first plaintext line, so both leave in one segment: the niotls side must read the plaintext
# behind the close_notify as plaintext. Over plaintext each side sends one "PLAIN from ..." line and
# echoes the other's ("plain echo: ..."); then niotls closes the connection.
import socket
import ssl
import sys

role, version, initiator = sys.argv[1], getattr(ssl.TLSVersion, sys.argv[2]), sys.argv[3]


class Lines:
    def __init__(self, recv):
        self.recv = recv
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.recv(4096)
            if not chunk:
                raise SystemExit("the stream ended after %r" % self.buf)
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode()


def expect(got, wanted):
    if got != wanted:
        raise SystemExit("expected %r, got %r" % (wanted, got))


def converse(tls):
    tls.settimeout(20)
    lines = Lines(tls.recv)
    if role == "client":
        tls.sendall(b"hello over tls\n")
        expect(lines.line(), "tls echo: hello over tls")
    else:
        tls.sendall(b"tls echo: " + lines.line().encode() + b"\n")
    print("TLS", tls.version(), flush=True)
    if initiator == "python":
        tls.sendall(b"STOPTLS\n")
        expect(lines.line(), "OK")
    else:
        expect(lines.line(), "STOPTLS")
        tls.sendall(b"OK\n")
    expect(lines.buf, b"")
    tls.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
    plain = tls.unwrap()
    print("UNWRAPPED", flush=True)
    plain.sendall(b"PLAIN from python\n")
    plain.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)  # close_notify and line leave now
    plain_lines = Lines(plain.recv)
    got = plain_lines.line()
    print("GOT", got, flush=True)
    plain.sendall(b"plain echo: " + got.encode() + b"\n")
    rest = plain_lines.buf + plain.recv(4096)
    print("END", repr(rest), flush=True)
    plain.close()


if role == "server":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ctx.maximum_version = version
    ctx.load_cert_chain("cert.pem", "key.pem")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(20)
        print("PORT", listener.getsockname()[1], flush=True)
        conn, _ = listener.accept()
        converse(ctx.wrap_socket(conn, server_side=True))
else:
    ctx = ssl.create_default_context(cafile="ca.pem")
    ctx.minimum_version = ctx.maximum_version = version
    raw = socket.create_connection(("127.0.0.1", int(sys.argv[4])), timeout=20)
    converse(ctx.wrap_socket(raw, server_hostname="localhost"))
