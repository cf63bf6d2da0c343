package io.niotls.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void valuesAreWrittenInOrderOnOneLine() {
    String json =
        Json.object()
            .put("n", 200)
            .put("rate", 1234.56789)
            .put("whole", 3.0)
            .put("ok", true)
            .put("none", null)
            .put("nested", Json.object().put("p50", 1.5))
            .toString();
    assertThat(json)
        .isEqualTo(
            "{\"n\":200,\"rate\":1234.568,\"whole\":3,\"ok\":true,\"none\":null,"
                + "\"nested\":{\"p50\":1.5}}");
  }

  @Test
  void stringsAreEscaped() {
    assertThat(Json.object().put("s", "a\"b\\c\nd\u0001").toString())
        .isEqualTo("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\"}");
  }

  @Test
  void nonFiniteNumbersBecomeNull() {
    assertThat(Json.object().put("x", Double.NaN).toString()).isEqualTo("{\"x\":null}");
  }

  @Test
  void otherTypesAreRefused() {
    assertThatThrownBy(() -> Json.object().put("x", new Object()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
