package dev.postillion.mailbox;

import dev.postillion.mailbox.AddressImport.Line;
import dev.postillion.mailbox.AddressImport.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The CSV form of a domain's addresses (SPEC section 1, bulk creation): a header row, then one
 * address per row with the columns local part, password, redirect target (optional) and keep
 * flag (optional: {@code 0} keeps a copy after redirecting, {@code 1} does not).
 *
 * <p>Fields follow RFC 4180: commas separate them, double quotes enclose fields holding commas,
 * quotes or line breaks, and a quote inside is doubled. A header row with semicolons and no comma
 * makes the semicolon the separator, as spreadsheets set to many European locales write it.
 * Several redirect targets share their column, separated by spaces.
 *
 * <p>The header row is required, and checked: a file without one would otherwise lose its first
 * address. Each row's line number is the physical line it starts on, however many line breaks
 * the quoted fields of earlier rows hold.
 */
public final class AddressCsv {

    /** The header of an export, and the column order an import expects. */
    public static final String HEADER = "local part,password,redirect target,keep flag";

    /** The spellings of the first header cell an import accepts, compared lower-cased and trimmed. */
    private static final Set<String> FIRST_HEADER_CELL = Set.of("local part", "localpart", "local_part", "local-part");

    /** The rows of an import: those that can be tried, and those refused as they were read. */
    public record Parsed(List<Line> lines, List<Outcome> refused) {}

    /** An import that cannot be read at all, so that none of it is tried. */
    public static final class Unreadable extends IllegalArgumentException {
        Unreadable(String message) {
            super(message);
        }
    }

    /** One record of the file, and the physical line it starts on (the first line is 1). */
    private record Row(int line, List<String> fields) {}

    private AddressCsv() {}

    /**
     * Reads an import body; line numbers count the header as line 1.
     *
     * @throws Unreadable when the first line is not the header row
     */
    public static Parsed parse(String body) {
        // Spreadsheets often begin UTF-8 with a byte order mark.
        String text = body.startsWith("\uFEFF") ? body.substring(1) : body;
        List<Row> rows = rows(text, separator(text));
        if (rows.isEmpty()
                || !FIRST_HEADER_CELL.contains(rows.get(0).fields().get(0).strip().toLowerCase(Locale.ROOT))) {
            throw new Unreadable("the first line must be the header row: " + HEADER);
        }
        List<Line> lines = new ArrayList<>();
        List<Outcome> refused = new ArrayList<>();
        for (Row record : rows.subList(1, rows.size())) {
            List<String> row = record.fields();
            int number = record.line();
            if (row.stream().allMatch(String::isBlank)) {
                continue;
            }
            String localPart = row.get(0).strip();
            String problem = problem(row);
            if (problem != null) {
                refused.add(new Outcome(number, localPart, false, problem));
                continue;
            }
            lines.add(new Line(number, localPart, field(row, 1), targets(field(row, 2)),
                    !field(row, 3).strip().equals("1")));
        }
        return new Parsed(lines, refused);
    }

    /** Writes a domain's addresses; passwords are kept only as hashes, so that column stays empty. */
    public static String export(List<Address> addresses) {
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (Address address : addresses) {
            Optional<Address.Redirect> redirect = address.redirect();
            csv.append(quoted(address.localPart())).append(",,")
                    .append(redirect.map(r -> quoted(String.join(" ", r.targets()))).orElse(""))
                    .append(',')
                    .append(redirect.map(r -> r.keepCopy() ? "0" : "1").orElse(""))
                    .append("\r\n");
        }
        return csv.toString();
    }

    private static String problem(List<String> row) {
        if (row.size() > 4) {
            return "has " + row.size() + " columns; expected local part, password, redirect target, keep flag";
        }
        if (row.size() < 2) {
            return "has no password column";
        }
        String keep = field(row, 3).strip();
        if (!keep.isEmpty() && !keep.equals("0") && !keep.equals("1")) {
            return "keep flag '" + keep + "' must be 0 (keep a copy) or 1 (do not)";
        }
        if (!keep.isEmpty() && field(row, 2).isBlank()) {
            return "keep flag given without a redirect target";
        }
        return null;
    }

    private static List<String> targets(String column) {
        return column.isBlank() ? List.of() : List.of(column.strip().split("\\s+"));
    }

    private static String field(List<String> row, int index) {
        return index < row.size() ? row.get(index) : "";
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

    private static String quoted(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
