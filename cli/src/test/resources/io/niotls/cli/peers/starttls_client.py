"""Python's own IMAP, POP3 and FTP clients upgrade with STARTTLS, the certificate checked.

usage: starttls_client.py PROTOCOL HOST PORT CAFILE SECONDS
PROTOCOL is imap, pop3 or ftp. Each client upgrades (IMAP4.starttls, POP3.stls, FTP_TLS.auth),
logs in with made-up credentials and asks what a mail or file client asks next. Prints one line
per answer that matters, then "done"; any failure is a traceback and a non-zero exit code.
"""
import ftplib
import imaplib
import poplib
import ssl
import sys

protocol, host, port, cafile, seconds = sys.argv[1:6]
port, seconds = int(port), float(seconds)
context = ssl.create_default_context(cafile=cafile)

if protocol == "imap":
    imap = imaplib.IMAP4(host, port, timeout=seconds)
    imap.starttls(ssl_context=context)  # asks for CAPABILITY again over TLS
    print("capabilities", " ".join(sorted(imap.capabilities)), flush=True)
    print("login", imap.login("alice", "any secret")[0], flush=True)
    typ, data = imap.list()
    print("list", typ, [d for d in data if d], flush=True)
    print("logout", imap.logout()[0], flush=True)
elif protocol == "pop3":
    pop = poplib.POP3(host, port, timeout=seconds)
    pop.stls(context=context)
    print("capa", " ".join(sorted(pop.capa())), flush=True)
    pop.user("alice")
    pop.pass_("any secret")
    print("stat", *pop.stat(), flush=True)
    print("list", pop.list()[1], flush=True)
    print("quit", pop.quit().decode(), flush=True)
elif protocol == "ftp":
    ftp = ftplib.FTP_TLS(context=context, timeout=seconds)
    ftp.connect(host, port)
    print("auth", ftp.auth().split(" ")[0], flush=True)
    print("login", ftp.login("alice", "any secret").split(" ")[0], flush=True)
    print("prot", ftp.prot_p().split(" ")[0], flush=True)
    print("pwd", ftp.pwd(), flush=True)
    try:
        ftp.nlst()
        sys.exit("a data connection was served: this demo serves none")
    except ftplib.error_perm as refused:
        print("nlst refused", str(refused).split(" ")[0], flush=True)
    print("quit", ftp.quit().split(" ")[0], flush=True)
else:
    sys.exit("unknown protocol " + protocol)
print("done", flush=True)
