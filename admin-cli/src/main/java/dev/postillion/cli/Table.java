package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows under a header, each column as wide as its widest cell, for listings read by eye. */
final class Table {

    /** What a cell shows for nothing: no alias, no next attempt... */
    static final String NONE = "-";

    private static final String GAP = "  ";

    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(List.of(header));
    }

    /** A text field the API may leave null, as a table shows it: {@code -} for none. */
    static String cell(JsonNode value) {
        return value.isTextual() ? value.asText() : NONE;
    }

    Table row(String... cells) {
        if (cells.length != rows.get(0).size()) {
            throw new IllegalArgumentException(cells.length + " cells in a table of " + rows.get(0).size() + " columns");
        }
        rows.add(Arrays.asList(cells));
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(i == 0 ? "" : GAP).append(row.get(i));
                if (i < widths.length - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length()));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
