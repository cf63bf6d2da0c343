package io.niotls.datagram;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Two datagram ends in memory joined by a network that drops, duplicates and reorders datagrams (a
 * reordered one overtakes at most 8 others) at rates chosen up front, from a fixed seed: the same
 * seed gives the same fate to the same traffic. Also counts what each end sent, and lets a test put
 * datagrams of its own on either end's way.
 */
final class LossyNetwork {
  static final boolean TRACE = Boolean.getBoolean("dtls.trace");
  private final Random random;
  private final double drop;
  private final double duplicate;
  private final double reorder;
  final End a = new End();
  final End b = new End();
  private long nanos = 1_000_000_000L;
  int largest; // the longest datagram sent either way

  LossyNetwork(long seed, double drop, double duplicate, double reorder) {
    this.random = new Random(seed);
    this.drop = drop;
    this.duplicate = duplicate;
    this.reorder = reorder;
    a.peer = b;
    b.peer = a;
  }

  /** The network's clock, for the engines: moved only by {@link #advance}. */
  long now() {
    return nanos;
  }

  void advance(long by) {
    nanos += by;
  }

  boolean idle() {
    return a.inbox.isEmpty() && b.inbox.isEmpty();
  }

  final class End implements DatagramTransport {
    private final List<byte[]> inbox = new ArrayList<>();
    private End peer;
    int sent;
    final List<byte[]> log = new ArrayList<>(); // every datagram sent, dropped or not
    boolean full;

    @Override
    public int receive(ByteBuffer dst) {
      if (inbox.isEmpty()) {
        return 0;
      }
      byte[] datagram = inbox.remove(0);
      if (TRACE) {
        StringBuilder t = new StringBuilder(this == a ? "client<- " : "server<- ");
        for (int at = 0; at + 13 <= datagram.length; ) {
          int len = ((datagram[at + 11] & 0xff) << 8) | (datagram[at + 12] & 0xff);
          t.append("[ct=")
              .append(datagram[at])
              .append(" ep=")
              .append(datagram[at + 4])
              .append(" seq=")
              .append(datagram[at + 10]);
          if (datagram[at] == 22 && datagram[at + 4] == 0) {
            t.append(" hs=")
                .append(datagram[at + 13])
                .append(" mseq=")
                .append(datagram[at + 18])
                .append(" foff=")
                .append(
                    ((datagram[at + 19] & 0xff) << 16)
                        | ((datagram[at + 20] & 0xff) << 8)
                        | (datagram[at + 21] & 0xff))
                .append(" flen=")
                .append(
                    ((datagram[at + 22] & 0xff) << 16)
                        | ((datagram[at + 23] & 0xff) << 8)
                        | (datagram[at + 24] & 0xff));
          }
          t.append("] ");
          at += 13 + len;
        }
        System.out.println(t);
      }
      int n = Math.min(datagram.length, dst.remaining());
      dst.put(datagram, 0, n);
      return datagram.length > n ? dst.capacity() : n; // too long: the engine sees it as such
    }

    @Override
    public boolean send(ByteBuffer datagram) {
      if (full) {
        return false;
      }
      byte[] bytes = new byte[datagram.remaining()];
      largest = Math.max(largest, bytes.length);
      datagram.get(bytes);
      sent++;
      log.add(bytes);
      if (random.nextDouble() < drop) {
        return true;
      }
      peer.deliver(bytes);
      if (random.nextDouble() < duplicate) {
        peer.deliver(bytes.clone());
      }
      return true;
    }

    /** Puts {@code bytes} in this end's inbox as if the network brought it. */
    void inject(byte[] bytes) {
      inbox.add(bytes);
    }

    int waiting() {
      return inbox.size();
    }

    private void deliver(byte[] bytes) {
      if (!inbox.isEmpty() && random.nextDouble() < reorder) {
        // overtakes up to 8 datagrams: within the 64-record window DTLS keeps against replays
        inbox.add(inbox.size() - 1 - random.nextInt(Math.min(inbox.size(), 8)), bytes);
      } else {
        inbox.add(bytes);
      }
    }
  }
}
