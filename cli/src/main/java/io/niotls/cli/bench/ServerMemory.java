package io.niotls.cli.bench;

/**
 * Memory the embedded server held at its peak, sampled while a bench ran.
 *
 * @param peakConnections the most server connections open at once (handshaking or established)
 * @param peakBufferBytes the most bytes of network buffers the server's context held at once (taken
 *     by connections plus pooled for reuse): the memory niotls itself keeps per connection; the
 *     SSLEngine's own state comes on top
 * @param processPeakHeapBytes the process's peak heap use, garbage included, client and server
 *     together (they share the JVM)
 * @param processPeakDirectBytes the process's peak direct (off-heap NIO) buffer use
 */
public record ServerMemory(
    int peakConnections,
    long peakBufferBytes,
    long processPeakHeapBytes,
    long processPeakDirectBytes) {

  /** Network buffer bytes per connection at the peak; 0 when nothing was open. */
  public double bufferBytesPerConnection() {
    return peakConnections == 0 ? 0 : (double) peakBufferBytes / peakConnections;
  }
}
