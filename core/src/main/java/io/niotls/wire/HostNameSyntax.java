package io.niotls.wire;

/**
 * The syntax of a DNS host name as SNI carries it (RFC 6066 section 3: ASCII, no trailing dot):
 * letters, digits, '-' and '_' in labels of 1 to 63 characters, dots between them, 253 bytes at
 * most. Underscores are let through because real service names use them.
 */
public final class HostNameSyntax {
  /** The longest host name (RFC 1035 section 2.3.4, written without the root's dot). */
  public static final int MAX_LENGTH = 253;

  /** The longest label. */
  public static final int MAX_LABEL = 63;

  private HostNameSyntax() {}

  /**
   * Why the {@code length} bytes of {@code data} from {@code from} are not a host name, or null
   * when they are one.
   */
  public static String problem(byte[] data, int from, int length) {
    if (length == 0 || length > MAX_LENGTH) {
      return "a server name of " + length + " bytes";
    }
    int label = 0;
    for (int i = from; i < from + length; i++) {
      int c = data[i] & 0xff;
      if (c == '.') {
        if (label == 0) {
          return "an empty label in the server name (or a leading dot)";
        }
        label = 0;
      } else if (c < 0x80 && Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        if (++label > MAX_LABEL) {
          return "a label longer than " + MAX_LABEL + " characters in the server name";
        }
      } else {
        return String.format("a byte 0x%02x that no host name contains in the server name", c);
      }
    }
    return label == 0 ? "the server name ends with a dot" : null;
  }
}
