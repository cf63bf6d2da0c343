package io.niotls.engine;

import io.niotls.transport.ForwardingTransport;
import io.niotls.transport.Transport;
import io.niotls.wire.ClientHelloParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A server's transport while a context {@code requireAlpn()}: reads the client's ClientHello as it
 * passes (the bytes go on to the engine unchanged) and, when its ALPN list is missing or shares no
 * protocol with ours, has the engine answer with a fatal {@code no_application_protocol} alert (RFC
 * 7301 section 3.2) instead of letting the last byte of the ClientHello through. Both providers so
 * give the same answer, which BoringSSL through netty-tcnative cannot give on its own. A
 * ClientHello it cannot read is refused with the alert the RFCs name ({@link
 * ClientHelloParser#alert()}); what is not a ClientHello at all is left to the engine, which
 * refuses it in its own words. After the ClientHello it only passes bytes on. Not thread-safe, like
 * every transport.
 */
final class AlpnGuard extends ForwardingTransport {
  private final List<String> ours;
  private ClientHelloParser hello = new ClientHelloParser();

  AlpnGuard(Transport inner, List<String> ours) {
    super(inner);
    this.ours = ours;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int start = dst.position();
    int n = super.read(dst);
    if (hello == null || n <= 0) {
      return n;
    }
    ByteBuffer fresh = dst.duplicate().flip().position(start);
    switch (hello.feed(fresh)) {
      case NEED_MORE -> {}
      case DONE -> {
        List<String> offered = hello.alpn();
        hello = null;
        if (offered == null || offered.stream().noneMatch(ours::contains)) {
          throw TlsException.refusal(
              "no_application_protocol",
              "the client "
                  + (offered == null
                      ? "offers no ALPN protocol"
                      : "offers ALPN protocols " + offered + ", none of them")
                  + " and this server requires one of "
                  + ours
                  + " (requireAlpn)");
        }
      }
      case MALFORMED -> {
        ClientHelloParser refused = hello;
        hello = null;
        throw TlsException.refusal(refused.alert(), refused.problem());
      }
      default -> hello = null; // not a ClientHello: the engine refuses it in its own words
    }
    return n;
  }

  /**
   * None, unlike the base class: the ClientHello must pass through {@link #read} to be judged, and
   * bytes lent in place would reach the engine unseen. (Once the hello is judged they could be
   * lent; this guard has never done so, and doing so would change the requireAlpn server's data
   * path.)
   */
  @Override
  public ByteBuffer inboundInPlace() {
    return null;
  }

  /**
   * None, unlike the base class: this guard has never lent the decorated transport's outbound
   * buffer, so a requireAlpn server encrypts into its own buffer and writes from there. Forwarding
   * would move it onto the zero-copy path, a performance change to make and measure on its own.
   */
  @Override
  public ByteBuffer outboundInPlace(int size, boolean direct) {
    return null;
  }
}
