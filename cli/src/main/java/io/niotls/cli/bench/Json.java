package io.niotls.cli.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A JSON object written on one line, keys in insertion order. Values are strings, numbers,
 * booleans, null, or nested {@code Json} objects; doubles are rounded to three decimals and
 * non-finite ones written as null. Not thread-safe.
 */
public final class Json {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  public static Json object() {
    return new Json();
  }

  /** Adds (or replaces) a field. */
  public Json put(String name, Object value) {
    if (value != null
        && !(value instanceof String
            || value instanceof Number
            || value instanceof Boolean
            || value instanceof Json)) {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass());
    }
    fields.put(name, value);
    return this;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    write(b);
    return b.toString();
  }

  private void write(StringBuilder b) {
    b.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      string(b, field.getKey());
      b.append(':');
      value(b, field.getValue());
    }
    b.append('}');
  }

  private static void value(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      string(b, s);
    } else if (v instanceof Json j) {
      j.write(b);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        String text = String.format(Locale.ROOT, "%.3f", d);
        // 12.500 -> 12.5, 3.000 -> 3
        text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        b.append(text);
      } else {
        b.append("null");
      }
    } else {
      b.append(v);
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
