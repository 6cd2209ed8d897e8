package dev.postillion.mta.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A FETCH section-spec (RFC 9051 section 6.4.5): part numbers, then at most one of HEADER,
 * HEADER.FIELDS (names), HEADER.FIELDS.NOT (names), TEXT or MIME. MIME needs part numbers.
 */
record SectionSpec(List<Integer> parts, Kind kind, List<String> fieldNames) {

    enum Kind { BODY, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

    /** The spec between the brackets of BODY[...], or empty when it is not a valid one. */
    static Optional<SectionSpec> parse(String spec) {
        String rest = spec.strip();
        List<Integer> parts = new ArrayList<>();
        while (!rest.isEmpty() && Character.isDigit(rest.charAt(0))) {
            int dot = rest.indexOf('.');
            String number = dot < 0 ? rest : rest.substring(0, dot);
            if (!number.chars().allMatch(Character::isDigit) || number.length() > 9) {
                return Optional.empty();
            }
            int value = Integer.parseInt(number);
            if (value == 0) {
                return Optional.empty(); // nz-number: parts count from 1
            }
            parts.add(value);
            rest = dot < 0 ? "" : rest.substring(dot + 1);
            if (dot >= 0 && rest.isEmpty()) {
                return Optional.empty();
            }
        }
        return kind(rest, parts);
    }

    private static Optional<SectionSpec> kind(String rest, List<Integer> parts) {
        String upper = rest.toUpperCase(Locale.ROOT);
        if (upper.isEmpty()) {
            return Optional.of(new SectionSpec(parts, Kind.BODY, List.of()));
        }
        if (upper.equals("HEADER") || upper.equals("TEXT")) {
            return Optional.of(new SectionSpec(parts, upper.equals("TEXT") ? Kind.TEXT : Kind.HEADER, List.of()));
        }
        if (upper.equals("MIME")) {
            return parts.isEmpty() ? Optional.empty() : Optional.of(new SectionSpec(parts, Kind.MIME, List.of()));
        }
        for (Kind kind : List.of(Kind.HEADER_FIELDS_NOT, Kind.HEADER_FIELDS)) {
            String keyword = kind == Kind.HEADER_FIELDS ? "HEADER.FIELDS" : "HEADER.FIELDS.NOT";
            if (upper.startsWith(keyword + " (") && upper.endsWith(")")) {
                String list = rest.substring(keyword.length() + 2, rest.length() - 1);
                List<String> names = new ArrayList<>();
                for (String name : list.strip().split("\\s+")) {
                    String bare = name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")
                            ? name.substring(1, name.length() - 1) : name;
                    if (!bare.isEmpty()) {
                        names.add(bare);
                    }
                }
                return names.isEmpty() ? Optional.empty() : Optional.of(new SectionSpec(parts, kind, names));
            }
        }
        return Optional.empty();
    }
}
