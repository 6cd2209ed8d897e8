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
 * <p>Fields are read as {@link CsvRecords} reads them. Several redirect targets share their
 * column, separated by spaces.
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

    private AddressCsv() {}

    /**
     * Reads an import body; line numbers count the header as line 1.
     *
     * @throws Unreadable when the first line is not the header row
     */
    public static Parsed parse(String body) {
        List<CsvRecords.Row> rows = CsvRecords.read(body);
        if (rows.isEmpty()
                || !FIRST_HEADER_CELL.contains(rows.get(0).fields().get(0).strip().toLowerCase(Locale.ROOT))) {
            throw new Unreadable("the first line must be the header row: " + HEADER);
        }
        List<Line> lines = new ArrayList<>();
        List<Outcome> refused = new ArrayList<>();
        for (CsvRecords.Row record : rows.subList(1, rows.size())) {
            List<String> row = record.fields();
            int number = record.line();
            if (record.blank()) {
                continue;
            }
            String localPart = row.get(0).strip();
            String problem = problem(record);
            if (problem != null) {
                refused.add(new Outcome(number, localPart, false, problem));
                continue;
            }
            lines.add(new Line(number, localPart, record.field(1), targets(record.field(2)),
                    !record.field(3).strip().equals("1")));
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

    private static String problem(CsvRecords.Row record) {
        List<String> row = record.fields();
        if (row.size() > 4) {
            return "has " + row.size() + " columns; expected local part, password, redirect target, keep flag";
        }
        if (row.size() < 2) {
            return "has no password column";
        }
        String keep = record.field(3).strip();
        if (!keep.isEmpty() && !keep.equals("0") && !keep.equals("1")) {
            return "keep flag '" + keep + "' must be 0 (keep a copy) or 1 (do not)";
        }
        if (!keep.isEmpty() && record.field(2).isBlank()) {
            return "keep flag given without a redirect target";
        }
        return null;
    }

    private static List<String> targets(String column) {
        return column.isBlank() ? List.of() : List.of(column.strip().split("\\s+"));
    }

    private static String quoted(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
