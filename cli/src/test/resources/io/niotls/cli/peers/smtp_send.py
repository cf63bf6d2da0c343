"""Delivers one message with Python's smtplib over STARTTLS, the certificate checked.

usage: smtp_send.py HOST PORT CAFILE FROM TO SECONDS
Exits 0 and prints "delivered" once the server accepted the message and QUIT.
"""
import smtplib
import ssl
import sys

host, port, cafile, sender, recipient, seconds = sys.argv[1:7]
context = ssl.create_default_context(cafile=cafile)
with smtplib.SMTP(host, int(port), timeout=float(seconds)) as smtp:
    smtp.ehlo("peers.niotls.test")
    smtp.starttls(context=context)
    smtp.ehlo("peers.niotls.test")
    refused = smtp.sendmail(
        sender,
        [recipient],
        "From: %s\r\nTo: %s\r\nSubject: from smtplib\r\n\r\nhello over STARTTLS\r\n"
        % (sender, recipient),
    )
    if refused:
        sys.exit("refused recipients: %r" % refused)
print("delivered", flush=True)
