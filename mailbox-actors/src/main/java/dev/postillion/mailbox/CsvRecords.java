package dev.postillion.mailbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The records of a CSV body as operators upload them for bulk changes (addresses, mailbox
 * imports). Fields follow RFC 4180: commas separate them, double quotes enclose fields holding
 * commas, quotes or line breaks, and a quote inside is doubled. A header row with semicolons and
 * no comma makes the semicolon the separator, as spreadsheets set to many European locales write
 * it. Each row's line number is the physical line it starts on, however many line breaks the
 * quoted fields of earlier rows hold.
 */
public final class CsvRecords {

    /** One record of the file, and the physical line it starts on (the first line is 1). */
    public record Row(int line, List<String> fields) {

        /** Field {@code index}, or empty when the row is shorter. */
        public String field(int index) {
            return index < fields.size() ? fields.get(index) : "";
        }

        public boolean blank() {
            return fields.stream().allMatch(String::isBlank);
        }
    }

    private CsvRecords() {}

    /** Every row of the body, the header row included. */
    public static List<Row> read(String body) {
        // Spreadsheets often begin UTF-8 with a byte order mark.
        String text = body.startsWith("\uFEFF") ? body.substring(1) : body;
        return rows(text, separator(text));
    }

    private static char separator(String body) {
        int end = body.indexOf('\n');
        String header = end < 0 ? body : body.substring(0, end);
        return header.indexOf(';') >= 0 && header.indexOf(',') < 0 ? ';' : ',';
    }

    /**
     * Splits the body into rows of fields, honouring quotes (RFC 4180 section 2). CR LF, LF and a
     * lone CR each end a physical line, inside quotes too, where they are kept as they are.
     */
    private static List<Row> rows(String body, char separator) {
        List<Row> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int line = 1;
        int start = 1;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n' || c == '\r') {
                line++;
            }
            if (quoted) {
                if (c == '"' && i + 1 < body.length() && body.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else if (c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n') {
                    field.append("\r\n");
                    i++;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == separator) {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(new Row(start, row));
                row = new ArrayList<>();
                start = line;
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(new Row(start, row));
        }
        return rows;
    }

}
