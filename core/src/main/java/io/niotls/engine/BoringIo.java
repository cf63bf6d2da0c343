package io.niotls.engine;

import io.netty.internal.tcnative.Buffer;
import io.netty.internal.tcnative.SSL;
import io.netty.util.internal.PlatformDependent;
import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * The ciphertext side of {@link BoringDriver}: netty-tcnative's ByteBuffer BIO pointed at the
 * engine's buffers. Before a call, the next whole record in netIn (checked by the {@link
 * RecordGuard} first) is lent to BoringSSL as its input; after it, what BoringSSL consumed is taken
 * off netIn and what it wrote meanwhile (into the BIO's own small buffer) is moved into netOut. One
 * record per call keeps the guard's view exact: BoringSSL never sees a record the guard has not
 * passed, and each call consumes a whole record or none.
 *
 * <p>Also watches what we send for the first record only the keys can read (see {@link
 * FatalAlerts#sealsFromHere}), record by record across however the BIO splits them: from then on
 * our alerts must be sealed.
 */
final class BoringIo {
  private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

  /**
   * Native memory for plaintext that comes from or goes to a heap buffer, one record's worth per
   * thread: BoringSSL reads and writes addresses only, and a pooled buffer per call (or one per
   * connection) would cost what an idle connection must not hold.
   */
  private static final ThreadLocal<ByteBuffer> STAGING =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(TlsRecords.MAX_PLAINTEXT_BODY));

  private final long bio;
  private final EngineBuffers buffers;
  private final RecordGuard guard;
  private int consumed; // by the last call
  private int drained; // by the last drain
  private int produced; // by the last withOutput
  private boolean sealing;
  private boolean peerClosed; // BoringSSL read the peer's close_notify: what follows is not TLS
  private int headerBytes; // of the record header being watched, seen so far
  private int headerType; // its content type
  private int headerLength; // its body length, as far as seen
  private int bodyLeft;

  BoringIo(long bio, EngineBuffers buffers, RecordGuard guard) {
    this.bio = bio;
    this.buffers = buffers;
    this.guard = guard;
  }

  /** This thread's staging buffer, cleared: {@link TlsRecords#MAX_PLAINTEXT_BODY} bytes. */
  static ByteBuffer staging() {
    return STAGING.get().clear();
  }

  static long address(ByteBuffer direct) {
    return UNSAFE ? PlatformDependent.directBufferAddress(direct) : Buffer.address(direct);
  }

  /**
   * The native calls made through the BIO. A constant and its arguments rather than a lambda: a
   * lambda capturing the call's arguments was an object per call, several per handshake.
   */
  enum Call {
    HANDSHAKE,
    READ,
    WRITE,
    SHUTDOWN;

    int run(long ssl, long address, int length) {
      return switch (this) {
        case HANDSHAKE -> SSL.doHandshake(ssl);
        case READ -> SSL.readFromSSL(ssl, address, length);
        case WRITE -> SSL.writeToSSL(ssl, address, length);
        case SHUTDOWN -> SSL.shutdownSSL(ssl);
      };
    }
  }

  /**
   * Runs {@code call} on {@code ssl} (with {@code address} and {@code length}, for a read) with the
   * next whole record as its input, then moves what BoringSSL wrote into netOut. {@link
   * #consumed()} tells how many input bytes it took.
   */
  int withInput(Call call, long ssl, long address, int length, boolean established)
      throws IOException {
    ByteBuffer in = buffers.netIn();
    int exposed = 0;
    // After the peer's close_notify BoringSSL reads nothing more (it answers from its state), and
    // what follows it (plaintext after a stopTls) is neither judged nor lent as a record.
    if (!peerClosed && TlsRecords.headerPresent(in)) {
      guard.checkHeader(in, established);
      if (TlsRecords.wholeRecordPresent(in)) {
        exposed = TlsRecords.HEADER_LENGTH + TlsRecords.bodyLength(in);
      }
    }
    if (exposed > 0) {
      SSL.bioSetByteBuffer(bio, address(in) + in.position(), exposed, false);
    }
    int result;
    try {
      result = call.run(ssl, address, length);
    } finally {
      if (exposed > 0) {
        consumed = exposed - SSL.bioLengthByteBuffer(bio);
        SSL.bioClearByteBuffer(bio);
        in.position(in.position() + consumed);
        buffers.afterUnwrap();
      } else {
        consumed = 0;
      }
    }
    drain();
    return result;
  }

  /**
   * Runs {@code call} on {@code ssl} with no input lent (a call that reads nothing, such as {@code
   * SSL_shutdown}'s first), then moves what BoringSSL wrote into netOut.
   */
  int withoutInput(Call call, long ssl) throws IOException {
    consumed = 0;
    int result = call.run(ssl, 0, 0);
    drain();
    return result;
  }

  /**
   * Runs {@code SSL_write} of {@code length} bytes at {@code address} on {@code ssl} and returns
   * its result. BoringSSL writes the record straight into the transport's own outbound buffer when
   * it lends one (nothing of ours waiting before it), which saves a copy of every record; else into
   * free room in netOut, which is then in read mode.
   */
  int withOutput(long ssl, long address, int length) {
    ByteBuffer lent = buffers.beginWrapInPlace(length);
    if (lent != null) {
      try {
        if (lent.isDirect()) {
          return writeInto(lent, ssl, address, length);
        }
      } finally {
        buffers.endWrapInPlace(lent); // the transport sends what was written, perhaps nothing
      }
    }
    ByteBuffer out = buffers.beginWrap();
    try {
      return writeInto(out, ssl, address, length);
    } finally {
      buffers.endWrap();
    }
  }

  /** One {@code SSL_write} with the free room of {@code out} (write mode) as the BIO's sink. */
  private int writeInto(ByteBuffer out, long ssl, long address, int length) {
    int start = out.position();
    int room = out.remaining();
    if (room == 0) {
      produced = 0;
      return -1;
    }
    SSL.bioSetByteBuffer(bio, address(out) + start, room, true);
    try {
      return Call.WRITE.run(ssl, address, length);
    } finally {
      produced = room - SSL.bioLengthByteBuffer(bio);
      SSL.bioClearByteBuffer(bio);
      out.position(start + produced);
      watch(out, start, produced);
    }
  }

  /** Moves what BoringSSL wrote into the BIO's own buffer to netOut, as far as netOut has room. */
  void drain() throws IOException {
    drained = 0;
    while (SSL.bioLengthNonApplication(bio) > 0) {
      ByteBuffer out = buffers.beginWrap();
      int start = out.position();
      int room = out.remaining();
      int n = 0;
      if (room > 0) {
        SSL.bioSetByteBuffer(bio, address(out) + start, room, true);
        n = SSL.bioFlushByteBuffer(bio);
        SSL.bioClearByteBuffer(bio);
        out.position(start + n);
        watch(out, start, n);
      }
      buffers.endWrap();
      drained += n;
      if (n == 0 && !buffers.flush()) {
        return; // the transport is full: the rest waits in the BIO (WANT_WRITE if it fills)
      }
    }
  }

  /**
   * Feeds BoringSSL {@code forged}, a record its record layer refuses with a fatal alert (see
   * {@link FatalAlerts}), and moves the alert it seals to netOut.
   */
  void provoke(long ssl, ByteBuffer forged) throws IOException {
    ByteBuffer input = ByteBuffer.allocateDirect(forged.remaining() + 1024);
    input.put(forged.duplicate()).flip();
    ByteBuffer sink = input.duplicate().position(forged.remaining()).limit(input.capacity());
    SSL.bioSetByteBuffer(bio, address(input), forged.remaining(), false);
    try {
      SSL.readFromSSL(ssl, address(sink) + sink.position(), sink.remaining());
    } finally {
      SSL.bioClearByteBuffer(bio);
      Reference.reachabilityFence(input);
    }
    drain();
  }

  /** Input bytes the last {@link #withInput} call took. */
  int consumed() {
    return consumed;
  }

  /** Bytes the last {@link #withOutput} call wrote to netOut. */
  int produced() {
    return produced;
  }

  /** Whether the BIO's own buffer holds output that netOut had no room for. */
  boolean holdsOutput() {
    return SSL.bioLengthNonApplication(bio) > 0;
  }

  /** Bytes the last {@link #drain()} moved to netOut. */
  int drained() {
    return drained;
  }

  /** Whether a record of ours only the keys can read was sent: alerts must be sealed now. */
  boolean sealing() {
    return sealing;
  }

  void sealed() {
    sealing = true;
  }

  /**
   * BoringSSL read the peer's close_notify: from now on no input is lent, so bytes behind it stay
   * in netIn for {@link TlsEngine#unwrapRemainder()}.
   */
  void peerClosed() {
    peerClosed = true;
  }

  private void watch(ByteBuffer out, int start, int n) {
    for (int i = 0; i < n && !sealing; ) {
      if (bodyLeft > 0) {
        int skip = Math.min(bodyLeft, n - i);
        bodyLeft -= skip;
        i += skip;
        continue;
      }
      int b = out.get(start + i++) & 0xff;
      if (headerBytes == 0) {
        headerType = b;
      } else if (headerBytes >= 3) {
        headerLength = (headerLength << 8) | b; // bytes 3 and 4: the body length
      }
      if (++headerBytes == TlsRecords.HEADER_LENGTH) {
        headerBytes = 0;
        sealing =
            headerType == TlsRecords.CHANGE_CIPHER_SPEC
                || headerType == TlsRecords.APPLICATION_DATA;
        bodyLeft = headerLength & 0xffff;
        headerLength = 0;
      }
    }
  }
}
