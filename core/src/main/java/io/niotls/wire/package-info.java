/**
 * The TLS wire format, in one place: the record layer's header and limits ({@link
 * io.niotls.wire.TlsRecords}) and the client's first handshake message ({@link
 * io.niotls.wire.ClientHelloParser}, which reads its server name and ALPN list).
 *
 * <p>Facts of RFC 8446, RFC 5246, RFC 6066 and RFC 7301 only: what the bytes say, never what a
 * connection does about them. The engine and the Netty adapter decide that; this package uses no
 * other package of niotls.
 */
package io.niotls.wire;
