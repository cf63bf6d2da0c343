"""One STARTTLS connection served by Python's ssl module, for the niotls client to upgrade.

usage: starttls_server.py PROTOCOL CERT KEY SECONDS
PROTOCOL is imap, pop3 or ftp. Binds 127.0.0.1 on a free port and prints "listening PORT". Greets,
answers the client's plaintext commands up to STARTTLS (CAPABILITY, CAPA), upgrades, then answers
every line over TLS with "heard: LINE" (in the protocol's reply form) until LOGOUT or QUIT, which
it answers before closing with close_notify. Prints "tls VERSION" once upgraded and "closed".
"""
import socket
import ssl
import sys

protocol, cert, key, seconds = sys.argv[1:5]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
listener = socket.create_server(("127.0.0.1", 0))
listener.settimeout(float(seconds))
print("listening %d" % listener.getsockname()[1], flush=True)
raw, _ = listener.accept()
raw.settimeout(float(seconds))
lines = raw.makefile("rb")


def send(text):
    raw.sendall(text.encode("ascii"))


def plaintext():
    """Serves commands until the client asks for TLS; the go-ahead is sent here."""
    send({"imap": "* OK python IMAP ready\r\n",
          "pop3": "+OK python POP3 ready\r\n",
          "ftp": "220-python FTP\r\n220 ready\r\n"}[protocol])
    while True:
        line = lines.readline().decode("ascii").rstrip("\r\n")
        words = line.split(" ")
        if protocol == "imap" and words[1:] == ["CAPABILITY"]:
            send("* CAPABILITY IMAP4rev1 STARTTLS\r\n%s OK done\r\n" % words[0])
        elif protocol == "imap" and words[1:] == ["STARTTLS"]:
            send("%s OK Begin TLS negotiation now\r\n" % words[0])
            return
        elif protocol == "pop3" and line == "CAPA":
            send("+OK\r\nSTLS\r\n.\r\n")
        elif protocol == "pop3" and line == "STLS":
            send("+OK go\r\n")
            return
        elif protocol == "ftp" and line == "AUTH TLS":
            send("234 go\r\n")
            return
        else:
            sys.exit("unexpected in plaintext: %r" % line)


plaintext()
# nothing may be buffered behind the go-ahead: a client must wait for it before its ClientHello
tls = context.wrap_socket(raw, server_side=True)
print("tls", tls.version(), flush=True)
secure = tls.makefile("rb")
while True:
    line = secure.readline().decode("ascii").rstrip("\r\n")
    if not line:
        break
    words = line.split(" ")
    last = line.upper() in ("QUIT",) or words[1:2] == ["LOGOUT"]
    if protocol == "imap":
        tag = words[0]
        tls.sendall(("* OK heard: %s\r\n%s OK done\r\n" % (line, tag)).encode("ascii"))
    elif protocol == "pop3":
        tls.sendall(("+OK heard: %s\r\n" % line).encode("ascii"))
    else:
        tls.sendall(("%s heard: %s\r\n" % ("221" if last else "200", line)).encode("ascii"))
    if last:
        break
tls.unwrap().close()
print("closed", flush=True)
