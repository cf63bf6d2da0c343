package io.niotls.engine;

import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.transport.Transport;
import io.niotls.wire.ClientHelloParser;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A server connection's first bytes, read before its engine exists, so that the context can be
 * chosen from the ClientHello ({@link SniMapping#choose}: by server name, then by the key types the
 * client can verify). {@link #read} reads and parses until the choice can be made; {@link #engine}
 * then makes the server engine of the chosen context over the same transport, and feeds it the
 * bytes read here before any others: nothing is lost, and the engine judges every byte as if it had
 * read it itself (bytes that are not a ClientHello go to the default context's engine, which
 * refuses them in its own words; so does an end of stream).
 *
 * <p>A strict mapping that does not know the name the client asks for gets an engine of the default
 * context that fails at its first read with a fatal {@code unrecognized_name} alert (RFC 6066
 * section 3), sent in plaintext as for every refusal before our records are sealed.
 *
 * <p>Bounded by {@link ClientHelloParser}: it holds at most one ClientHello's records. Not
 * thread-safe: one per connection, confined to whoever drives it.
 */
public final class HelloPeek {
  private static final int FIRST_BUFFER = 1024;

  private final SniMapping mapping;
  private final ClientHelloParser hello = new ClientHelloParser();
  private ByteBuffer peeked = ByteBuffer.allocate(FIRST_BUFFER); // write mode while reading
  private boolean done;

  public HelloPeek(SniMapping mapping) {
    this.mapping = mapping;
  }

  /**
   * Reads what {@code transport} has now.
   *
   * @return true once the context can be chosen: the ClientHello is read (or what came is not one,
   *     or cannot be read), or the stream ended; false when more bytes are needed
   */
  public boolean read(Transport transport) throws IOException {
    while (!done) {
      if (!peeked.hasRemaining()) {
        peeked = ByteBuffer.allocate(peeked.capacity() * 2).put(peeked.flip());
      }
      int start = peeked.position();
      int n = transport.read(peeked);
      if (n < 0) {
        done = true;
      } else if (n == 0) {
        return false;
      } else {
        done =
            hello.feed(peeked.duplicate().flip().position(start))
                != ClientHelloParser.State.NEED_MORE;
      }
    }
    return true;
  }

  /**
   * The context chosen for the client once {@link #read} returned true; the default when the
   * mapping refuses the name (the engine then refuses the client).
   */
  public TlsContext context() {
    TlsContext chosen = mapping.choose(hello);
    return chosen != null ? chosen : mapping.defaultContext();
  }

  /**
   * The server engine for the chosen context over {@code transport}, which must be the one read
   * from; it reads the bytes read so far first. Once only, after {@link #read} returned true.
   */
  public TlsEngine engine(Transport transport) {
    if (!done || peeked == null) {
      throw new IllegalStateException("engine() before the ClientHello was read, or twice");
    }
    TlsContext chosen = mapping.choose(hello);
    TlsException refusal = chosen == null ? refusal() : null;
    Transport replaying = new PeekedTransport(transport, peeked.flip(), refusal);
    peeked = null;
    return TlsEngine.server(chosen != null ? chosen : mapping.defaultContext(), replaying);
  }

  /** The server name the client asked for, once read; null when it sent none. */
  public String serverName() {
    return hello.serverName();
  }

  private TlsException refusal() {
    String name =
        hello.serverName() != null
            ? "'" + hello.serverName() + "'"
            : "a server name that is not a host name (" + hello.serverNameProblem() + ")";
    return TlsException.refusal(
        "unrecognized_name",
        "the client asks for "
            + name
            + ", which this server does not serve (sniStrict): refused with unrecognized_name;"
            + " map the name, or let unknown names have the default certificate");
  }
}
