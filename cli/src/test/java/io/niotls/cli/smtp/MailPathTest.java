package io.niotls.cli.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailPathTest {

  @Test
  void theAddressAndParametersAreTakenApart() {
    assertThat(MailPath.parse("FROM:<a@example.org> BODY=8BITMIME  X=1", "FROM:"))
        .isEqualTo(new MailPath("a@example.org", List.of("BODY=8BITMIME", "X=1")));
    assertThat(MailPath.parse("to:<b@example.org>", "TO:"))
        .isEqualTo(new MailPath("b@example.org", List.of()));
  }

  @Test
  void theNullPathIsEmpty() {
    MailPath path = MailPath.parse("FROM:<>", "FROM:");
    assertThat(path.isNull()).isTrue();
    assertThat(path.isMailbox(false)).isFalse();
  }

  @Test
  void aSourceRouteIsIgnored() {
    assertThat(MailPath.parse("TO:<@relay.test,@other.test:b@example.org>", "TO:").address())
        .isEqualTo("b@example.org");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "FROM", "FROM:", "FROM:a@b", "FROM:<a@b", "FROM:<a@b>X=1", "TO:<a@b>"})
  void anArgumentOfTheWrongShapeIsNull(String argument) {
    assertThat(MailPath.parse(argument, "FROM:")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "@b", "a@", "a b@c", "a\u0001@b", "ü@example.org", "postmaster@"})
  void theseAreNoMailboxes(String address) {
    assertThat(new MailPath(address, List.of()).isMailbox(true)).isFalse();
  }

  @Test
  void postmasterWithoutADomainIsAMailboxWhereAllowed() {
    assertThat(new MailPath("PostMaster", List.of()).isMailbox(true)).isTrue();
    assertThat(new MailPath("PostMaster", List.of()).isMailbox(false)).isFalse();
  }

  @Test
  void anAddressLongerThanAPathMayBeIsNoMailbox() {
    String longest = "a".repeat(MailPath.MAX_ADDRESS - "@example.org".length()) + "@example.org";
    assertThat(new MailPath(longest, List.of()).isMailbox(false)).isTrue();
    assertThat(new MailPath("a" + longest, List.of()).isMailbox(false)).isFalse();
  }
}
