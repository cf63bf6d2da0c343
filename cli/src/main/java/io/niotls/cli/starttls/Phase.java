package io.niotls.cli.starttls;

/**
 * Where a STARTTLS server's conversation is, as far as TLS goes; each protocol adds its own login
 * state on top. Package-private: the dialogues share it.
 */
enum Phase {
  /** Plaintext: only the commands the protocol allows before TLS. */
  PLAIN,
  /** STARTTLS was accepted; waiting for the handshake. Lines now are injected plaintext. */
  UPGRADING,
  /** TLS is up. */
  SECURE,
  /** The client said goodbye and was answered. */
  CLOSED;

  /** Throws unless a command line may be read now. */
  void checkReading() {
    if (this == UPGRADING || this == CLOSED) {
      throw new IllegalStateException("no command may be read while " + this);
    }
  }

  /** The phase after a finished handshake. */
  Phase afterHandshake() {
    if (this != UPGRADING) {
      throw new IllegalStateException("TLS started while " + this + ", not after STARTTLS");
    }
    return SECURE;
  }
}
