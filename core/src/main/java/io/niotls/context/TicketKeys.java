package io.niotls.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Session ticket keys a fleet of servers shares, so that any of them resumes a session another one
 * began (RFC 5077 tickets in TLS 1.2, and the tickets of TLS 1.3, which BoringSSL encrypts the same
 * way). The first key encrypts new tickets; every key decrypts, so a rotation is seamless: give
 * each server {@code [new, old]} first, then {@code [new]} once the old tickets have expired. A
 * ticket decrypted with an older key is renewed under the first.
 *
 * <p>The format is nginx's 48-byte {@code ssl_session_ticket_key} file, byte for byte: a 16-byte
 * key name (sent in the clear in each ticket, so a server knows which key made it), a 16-byte
 * AES-128 key, a 16-byte HMAC-SHA256 key. Make one with {@code openssl rand 48 > ticket.key}, keep
 * it as secret as a private key (whoever has it can decrypt every session resumed with it, and
 * forge resumptions) and rotate it often: tickets weaken forward secrecy until their key is
 * destroyed. nginx's 80-byte keys (AES-256) are refused: BoringSSL through netty-tcnative encrypts
 * tickets with AES-128-CBC and HMAC-SHA256 only.
 *
 * <p>Note for whoever reads BoringSSL or netty-tcnative: their 48-byte key ({@code
 * SSL_CTX_set_tlsext_ticket_keys}, tcnative's {@code SessionTicketKey}) puts the HMAC key before
 * the AES key; nginx's file, and this class, the AES key first. {@link #keys()} hands out the
 * parts, not the bytes, so no one has to care.
 *
 * <p>Immutable; the bytes are copied in and out.
 */
public final class TicketKeys {
  /** The length of one key: nginx's 48-byte format. */
  public static final int KEY_BYTES = 48;

  private static final int NAME_BYTES = 16;
  private static final int AES_BYTES = 16;
  private static final int HMAC_BYTES = 16;

  /** One key, its three parts apart. */
  record Key(byte[] name, byte[] aesKey, byte[] hmacKey) {
    Key {
      name = name.clone();
      aesKey = aesKey.clone();
      hmacKey = hmacKey.clone();
    }

    /** The name in hex: safe to show, it travels in the clear in every ticket. */
    String nameHex() {
      return HexFormat.of().formatHex(name);
    }
  }

  private final List<Key> keys;
  private final List<Path> files;

  private TicketKeys(List<Key> keys, List<Path> files) {
    this.keys = List.copyOf(keys);
    this.files = List.copyOf(files);
  }

  /**
   * Reads one 48-byte key from each file, in order: the first file's key encrypts, all decrypt.
   *
   * @throws TlsConfigException for a missing or unreadable file, one that is not 48 bytes, or two
   *     keys with the same name; the message names the file
   */
  public static TicketKeys read(Path... keyFiles) {
    if (keyFiles.length == 0) {
      throw new TlsConfigException("give at least one ticket key file (48 bytes each)");
    }
    List<Key> keys = new ArrayList<>();
    for (Path file : keyFiles) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new TlsConfigException(
            "ticket key file "
                + file
                + " does not exist: make one with openssl rand 48 > "
                + file.getFileName(),
            e);
      } catch (IOException e) {
        throw new TlsConfigException(
            "cannot read ticket key file " + file + ": " + e.getMessage(), e);
      }
      try {
        keys.add(parse(bytes, "ticket key file " + file));
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }
    return checked(keys, List.of(keyFiles));
  }

  /**
   * Keys given as bytes, each 48 in nginx's layout (name, AES key, HMAC key): the first encrypts,
   * all decrypt.
   *
   * @throws TlsConfigException for a key that is not 48 bytes, or two keys with the same name
   */
  public static TicketKeys of(List<byte[]> keyBytes) {
    if (keyBytes.isEmpty()) {
      throw new TlsConfigException("give at least one ticket key (48 bytes each)");
    }
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < keyBytes.size(); i++) {
      keys.add(parse(keyBytes.get(i), "ticket key " + i));
    }
    return checked(keys, List.of());
  }

  private static Key parse(byte[] bytes, String what) {
    if (bytes.length == 80) {
      throw new TlsConfigException(
          what
              + " is 80 bytes: nginx's AES-256 format, which BoringSSL through netty-tcnative"
              + " cannot use (it encrypts tickets with AES-128 only); give a 48-byte key:"
              + " openssl rand 48");
    }
    if (bytes.length != KEY_BYTES) {
      throw new TlsConfigException(
          what
              + " is "
              + bytes.length
              + " bytes, not 48 (nginx's format: 16-byte name, 16-byte AES-128 key, 16-byte"
              + " HMAC-SHA256 key; raw bytes, not hex or base64): make one with openssl rand 48");
    }
    return new Key(
        Arrays.copyOfRange(bytes, 0, NAME_BYTES),
        Arrays.copyOfRange(bytes, NAME_BYTES, NAME_BYTES + AES_BYTES),
        Arrays.copyOfRange(bytes, NAME_BYTES + AES_BYTES, NAME_BYTES + AES_BYTES + HMAC_BYTES));
  }

  private static TicketKeys checked(List<Key> keys, List<Path> files) {
    for (int i = 0; i < keys.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (Arrays.equals(keys.get(i).name(), keys.get(j).name())) {
          throw new TlsConfigException(
              "ticket keys "
                  + where(files, j)
                  + " and "
                  + where(files, i)
                  + " have the same name ("
                  + keys.get(i).nameHex()
                  + "): a server could not tell which one made a ticket; give each a fresh key");
        }
      }
    }
    return new TicketKeys(keys, files);
  }

  private static String where(List<Path> files, int index) {
    return files.isEmpty() ? "#" + index : files.get(index).toString();
  }

  /** The keys, the encrypting one first. */
  List<Key> keys() {
    return keys;
  }

  /** How many keys there are. */
  public int size() {
    return keys.size();
  }

  /** The files the keys were read from, in order; empty when given as bytes. */
  public List<Path> files() {
    return files;
  }

  /** The keys' names in hex, the encrypting one first: they travel in the clear in tickets. */
  public List<String> names() {
    return keys.stream().map(Key::nameHex).toList();
  }

  @Override
  public String toString() {
    return "TicketKeys" + names();
  }
}
