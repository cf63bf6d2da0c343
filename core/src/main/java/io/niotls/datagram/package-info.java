/**
 * DTLS 1.2 over datagrams with the engine's contract: {@link io.niotls.datagram.DtlsEngine} (the
 * JDK's {@code SSLEngine} for {@code DTLSv1.2}, with retransmission timers, the path MTU, whole
 * datagrams, an anti-replay window and the repairs the JDK's engine needs under loss and
 * reordering), the {@link io.niotls.datagram.DatagramTransport} it runs over, and {@link
 * io.niotls.datagram.CookieGate}, which answers a server's unverified ClientHellos statelessly.
 * Knows no selector and no thread: the loop's {@code DatagramServer} and {@code DatagramClient}
 * drive it.
 */
package io.niotls.datagram;
