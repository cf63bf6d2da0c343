package io.niotls.cli.peers;

import org.junit.jupiter.api.Test;

/**
 * Every program this package drives is installed; one failure names all the Debian packages
 * missing, where the other classes each fail on their own.
 */
class PeersInstalledTest {
  @Test
  void everyPeerThisSuiteDrivesIsInstalled() {
    Peer.require(Peer.values());
  }
}
