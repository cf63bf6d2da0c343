package io.niotls.uri;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressTextTest {

  @ParameterizedTest
  @CsvSource({
    "0:0:0:0:0:0:0:1,                        ::1",
    "0:0:0:0:0:0:0:0,                        ::",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "2001:db8:0:1:1:1:1:1,                   2001:db8:0:1:1:1:1:1",
    "2001:db8:0:0:1:0:0:1,                   2001:db8::1:0:0:1",
    "2001:0:0:1:0:0:0:1,                     2001:0:0:1::1",
    "1:0:0:0:0:0:0:0,                        1::",
    "FE80:0:0:0:0:0:0:A,                     fe80::a",
    "1:2:3:4:5:6:7:8,                        1:2:3:4:5:6:7:8",
    "0:0:0:0:0:0:c000:201,                   ::c000:201",
  })
  void ipv6IsWrittenInTheRfc5952Form(String written, String compressed) throws Exception {
    InetAddress address = InetAddress.getByName(written);

    assertThat(AddressText.host(address)).isEqualTo(compressed);
    assertThat(AddressText.of(new InetSocketAddress(address, 443)))
        .isEqualTo("[" + compressed + "]:443");
  }

  @Test
  void ipv4AndUnresolvedAddressesAreWrittenAsTheyAre() throws Exception {
    assertThat(AddressText.of(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 80)))
        .isEqualTo("192.0.2.1:80");
    assertThat(AddressText.of(InetSocketAddress.createUnresolved("example.com", 25)))
        .isEqualTo("example.com:25");
    assertThat(AddressText.of(null)).isEqualTo("(unknown)");
  }

  @Test
  void aZoneIdFollowsThePercentSign() throws Exception {
    String loopback = NetworkInterface.getByInetAddress(InetAddress.getByName("::1")).getName();

    assertThat(AddressText.of(new InetSocketAddress("::1%" + loopback, 8443)))
        .isEqualTo("[::1%" + loopback + "]:8443");
    assertThat(AddressText.host(InetAddress.getByName("fe80::1%7"))).isEqualTo("fe80::1%7");
  }
}
