package dev.postillion.auth.spf;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A {@code macro-string}, {@code domain-spec} or {@code explain-string} of RFC 7208 section 7.1,
 * parsed once and expanded for each domain it is evaluated for.
 *
 * @param text the text as the record gave it
 * @param parts the literal text and macros, in order
 */
record MacroString(String text, List<Part> parts) {

    /** The longest {@code DIGIT} transformer taken as written; any more parts than this are all of them. */
    private static final int MAX_PARTS = 128;
    private static final String DELIMITERS = ".-+,/_=";
    private static final String UNRESERVED = "-._~";

    /** Where a macro-string appears decides which characters and macro letters it may use. */
    enum Syntax {
        /** A domain-spec: no spaces; {@code c}, {@code r} and {@code t} only in explanations (section 7.2). */
        DOMAIN_SPEC("slodipvh", false),
        /** The value of an unknown modifier: any macro letter, no spaces (section 7.1). */
        MODIFIER_VALUE("slodipvhcrt", false),
        /** The explanation text an exp= record publishes: any macro letter, and spaces (section 6.2). */
        EXPLANATION("slodipvhcrt", true);

        private final String letters;
        private final boolean spaces;

        Syntax(String letters, boolean spaces) {
            this.letters = letters;
            this.spaces = spaces;
        }
    }

    /** A piece of a macro-string. */
    sealed interface Part {}

    /** Text taken as it is ({@code macro-literal}, and SP in explanations). */
    record Literal(String text) implements Part {}

    /** {@code %%}, {@code %_} or {@code %-}: a percent sign, a space, or a URL-encoded space. */
    record Escape(String value) implements Part {}

    /**
     * {@code %{...}}: a macro letter and its transformers (section 7.3).
     *
     * @param letter the macro letter, lower case
     * @param urlEncoded whether the letter was upper case: the value is then URL-encoded
     * @param rightmost how many right-hand parts to keep; 0 for all
     * @param reversed whether the parts are reversed ({@code r}) before any are dropped
     * @param delimiters the characters the value is split on; "." when none are given
     */
    record Macro(char letter, boolean urlEncoded, int rightmost, boolean reversed, String delimiters) implements Part {}

    /**
     * The values the macro letters stand for (RFC 7208 section 7.2).
     *
     * @param sender {@code s}: the sender, "postmaster@" the HELO name for the null sender
     * @param localPart {@code l}: the sender's local-part
     * @param senderDomain {@code o}: the sender's domain
     * @param domain {@code d}: the domain whose record is being evaluated
     * @param client {@code i}, {@code v} and {@code c}: the client's address, normalized
     * @param validatedName {@code p}: a validated domain name of the client, or "unknown"
     * @param helo {@code h}: the HELO/EHLO name
     * @param receiver {@code r}: the name of the host doing the check
     * @param timestamp {@code t}: seconds since the epoch
     */
    record Values(String sender, String localPart, String senderDomain, String domain, InetAddress client,
            String validatedName, String helo, String receiver, long timestamp) {

        Values withDomain(String newDomain) {
            return new Values(sender, localPart, senderDomain, newDomain, client, validatedName, helo, receiver,
                    timestamp);
        }

        Values withValidatedName(String name) {
            return new Values(sender, localPart, senderDomain, domain, client, name, helo, receiver, timestamp);
        }

        String of(char letter) {
            return switch (letter) {
                case 's' -> sender;
                case 'l' -> localPart;
                case 'o' -> senderDomain;
                case 'd' -> domain;
                case 'i' -> IpNetwork.dotted(client);
                case 'p' -> validatedName;
                case 'v' -> IpNetwork.version(client);
                case 'h' -> helo;
                case 'c' -> IpNetwork.readable(client);
                case 'r' -> receiver;
                case 't' -> Long.toString(timestamp);
                default -> throw new IllegalArgumentException("no macro letter: " + letter);
            };
        }
    }

    MacroString {
        parts = List.copyOf(parts);
    }

    /**
     * Parses {@code text} by the grammar of RFC 7208 section 7.1.
     *
     * @throws SpfSyntaxException on a '%' that starts no valid macro-expand, a macro letter the
     *     syntax does not allow, or a character outside {@code macro-literal}
     */
    static MacroString parse(String text, Syntax syntax) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                requireLiteral(text, c, syntax);
                literal.append(c);
                i++;
                continue;
            }
            flush(literal, parts);
            i = parseExpand(text, i, syntax, parts);
        }
        flush(literal, parts);
        return new MacroString(text, parts);
    }

    /** {@code macro-literal = %x21-24 / %x26-7E}, and SP in an explanation (section 7.1). */
    private static void requireLiteral(String text, char c, Syntax syntax) {
        boolean visible = c >= 0x21 && c <= 0x7E;
        if (!visible && !(c == ' ' && syntax.spaces)) {
            throw new SpfSyntaxException(String.format("character 0x%02X not allowed in \"%s\"", (int) c, text));
        }
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    /** Parses the macro-expand at {@code start} (a '%'), adds it, and returns where the text goes on. */
    private static int parseExpand(String text, int start, Syntax syntax, List<Part> parts) {
        char next = start + 1 < text.length() ? text.charAt(start + 1) : 0;
        switch (next) {
            case '%' -> parts.add(new Escape("%"));
            case '_' -> parts.add(new Escape(" "));
            case '-' -> parts.add(new Escape("%20"));
            case '{' -> {
                int end = text.indexOf('}', start);
                if (end < 0) {
                    throw new SpfSyntaxException("unterminated macro in \"" + text + "\"");
                }
                parts.add(macro(text, text.substring(start + 2, end), syntax));
                return end + 1;
            }
            default -> throw new SpfSyntaxException("'%' not followed by '{', '%', '_' or '-' in \"" + text + "\"");
        }
        return start + 2;
    }

    /** {@code macro-letter transformers *delimiter}, the inside of {@code %{...}}. */
    private static Macro macro(String text, String inside, Syntax syntax) {
        if (inside.isEmpty() || syntax.letters.indexOf(Character.toLowerCase(inside.charAt(0))) < 0) {
            throw new SpfSyntaxException("unknown or misplaced macro letter in \"" + text + "\"");
        }
        char letter = inside.charAt(0);
        int i = 1;
        while (i < inside.length() && inside.charAt(i) >= '0' && inside.charAt(i) <= '9') {
            i++;
        }
        int rightmost = digits(text, inside.substring(1, i));
        boolean reversed = i < inside.length() && Character.toLowerCase(inside.charAt(i)) == 'r';
        String delimiters = inside.substring(reversed ? i + 1 : i);
        if (!delimiters.chars().allMatch(c -> DELIMITERS.indexOf(c) >= 0)) {
            throw new SpfSyntaxException("bad macro transformers or delimiters in \"" + text + "\"");
        }
        return new Macro(Character.toLowerCase(letter), Character.isUpperCase(letter), rightmost, reversed,
                delimiters.isEmpty() ? "." : delimiters);
    }

    /** The DIGIT transformer: absent is 0 (all parts); written, it must not be zero (section 7.3). */
    private static int digits(String text, String digits) {
        if (digits.isEmpty()) {
            return 0;
        }
        String significant = digits.replaceFirst("^0+", "");
        if (significant.isEmpty()) {
            throw new SpfSyntaxException("zero parts asked for in \"" + text + "\"");
        }
        return significant.length() > 3 ? MAX_PARTS : Math.min(MAX_PARTS, Integer.parseInt(significant));
    }

    /** Whether expanding needs the {@code p} macro, whose value costs DNS lookups. */
    boolean usesValidatedName() {
        return parts.stream().anyMatch(part -> part instanceof Macro macro && macro.letter() == 'p');
    }

    /**
     * Whether the text ends as a {@code domain-spec} must (section 7.1): with a macro-expand, or with
     * "." and a {@code toplabel}, and an optional final dot.
     */
    boolean hasDomainEnd() {
        if (parts.isEmpty()) {
            return false;
        }
        if (!(parts.get(parts.size() - 1) instanceof Literal last)) {
            return true;
        }
        String tail = last.text().endsWith(".") ? last.text().substring(0, last.text().length() - 1) : last.text();
        int dot = tail.lastIndexOf('.');
        return dot >= 0 && DomainNames.isTopLabel(tail.substring(dot + 1));
    }

    /** The text with every macro replaced by its value (section 7.3). */
    String expand(Values values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof Escape escape) {
                out.append(escape.value());
            } else {
                out.append(expand((Macro) part, values));
            }
        }
        return out.toString();
    }

    /**
     * One macro: the value split on the delimiters, reversed if asked, only the rightmost parts
     * kept if asked, joined with "."; URL-encoded for an upper-case letter (section 7.3).
     */
    private static String expand(Macro macro, Values values) {
        String value = values.of(macro.letter());
        List<String> split = split(value, macro.delimiters());
        if (macro.reversed()) {
            Collections.reverse(split);
        }
        if (macro.rightmost() > 0 && macro.rightmost() < split.size()) {
            split = split.subList(split.size() - macro.rightmost(), split.size());
        }
        String joined = String.join(".", split);
        return macro.urlEncoded() ? urlEncoded(joined) : joined;
    }

    /** The parts of {@code value} between any of the {@code delimiters}, empty ones included. */
    private static List<String> split(String value, String delimiters) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    /** Every character outside the URI's {@code unreserved} set as %XX of its UTF-8 octets (section 7.3). */
    private static String urlEncoded(String value) {
        StringBuilder out = new StringBuilder();
        for (byte octet : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (octet & 0xFF);
            boolean unreserved = c < 0x80 && (Character.isLetterOrDigit(c) || UNRESERVED.indexOf(c) >= 0);
            if (unreserved) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", octet & 0xFF));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
