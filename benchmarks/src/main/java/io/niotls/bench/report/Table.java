package io.niotls.bench.report;

import java.util.ArrayList;
import java.util.List;

/** A titled table rendered as Markdown for the results page and as aligned text for a terminal. */
final class Table {
  final String title;
  final List<String> header;
  final List<List<String>> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  Table(String title, List<String> header) {
    this.title = title;
    this.header = List.copyOf(header);
  }

  void add(List<String> row) {
    if (row.size() != header.size()) {
      throw new IllegalArgumentException(row.size() + " cells for " + header.size() + " columns");
    }
    rows.add(List.copyOf(row));
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("**").append(title).append("**\n\n");
    out.append(line(header)).append('\n');
    List<String> rule = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      rule.add(i == 0 ? "---" : "---:");
    }
    out.append(line(rule)).append('\n');
    for (List<String> row : rows) {
      out.append(line(row)).append('\n');
    }
    for (String note : notes) {
      out.append('\n').append(note).append('\n');
    }
    return out.toString();
  }

  private static String line(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |";
  }

  String text() {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = plain(header.get(i)).length();
      for (List<String> row : rows) {
        width[i] = Math.max(width[i], plain(row.get(i)).length());
      }
    }
    StringBuilder out = new StringBuilder(plain(title)).append('\n');
    appendText(out, header, width);
    for (List<String> row : rows) {
      appendText(out, row, width);
    }
    return out.toString();
  }

  private static void appendText(StringBuilder out, List<String> cells, int[] width) {
    for (int i = 0; i < cells.size(); i++) {
      String cell = plain(cells.get(i));
      String pad = " ".repeat(width[i] - cell.length());
      out.append(i == 0 ? cell + pad : "  " + pad + cell);
    }
    out.append('\n');
  }

  /** Without Markdown emphasis. */
  private static String plain(String s) {
    return s.replace("**", "").replace("`", "");
  }
}
