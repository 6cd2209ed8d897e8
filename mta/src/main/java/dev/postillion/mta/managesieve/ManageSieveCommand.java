package dev.postillion.mta.managesieve;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One command as the client sent it (RFC 5804 section 4): its name, an atom, and its arguments,
 * quoted strings, literals or numbers, each as text. Strings are UTF-8 (section 1.5).
 *
 * @param name upper case
 */
record ManageSieveCommand(String name, List<String> arguments) {

    /** The command cannot be read; {@link #problem()} says why, composed for the NO response. */
    static final class BadSyntax extends Exception {
        private final String problem;

        BadSyntax(String problem) {
            super(problem, null, false, false);
            this.problem = problem;
        }

        /** What is wrong with the command, in the client's terms. */
        String problem() {
            return problem;
        }
    }

    /** @param command the command's octets up to and with its final LF, literals included */
    static ManageSieveCommand parse(byte[] command) throws BadSyntax {
        List<String> words = words(command);
        if (words.isEmpty()) {
            throw new BadSyntax("empty command");
        }
        return new ManageSieveCommand(words.get(0).toUpperCase(Locale.ROOT), List.copyOf(words.subList(1,
                words.size())));
    }

    /** The command's words as sent, its name among them. */
    static List<String> words(byte[] command) throws BadSyntax {
        Reader reader = new Reader(command);
        List<String> words = new ArrayList<>();
        while (!reader.atEnd()) {
            words.add(reader.next());
            reader.spaces();
        }
        return words;
    }

    /** Reads the words of one command. */
    private static final class Reader {

        private final byte[] bytes;
        private int at;
        /** Where the command's line ends: its CR LF (or LF) after the last word. */
        private final int end;

        Reader(byte[] bytes) {
            this.bytes = bytes;
            int last = bytes.length;
            last -= last > 0 && bytes[last - 1] == '\n' ? 1 : 0;
            last -= last > 0 && bytes[last - 1] == '\r' ? 1 : 0;
            this.end = last;
        }

        boolean atEnd() {
            return at >= end;
        }

        void spaces() {
            while (at < end && bytes[at] == ' ') {
                at++;
            }
        }

        String next() throws BadSyntax {
            return switch (bytes[at]) {
                case '"' -> quoted();
                case '{' -> literal();
                default -> atom();
            };
        }

        /** RFC 5804 section 4: quoted = DQUOTE *QUOTED-CHAR DQUOTE, with \" and \\ escaped. */
        private String quoted() throws BadSyntax {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            at++;
            while (at < end && bytes[at] != '"') {
                if (bytes[at] == '\\' && at + 1 < end && (bytes[at + 1] == '"' || bytes[at + 1] == '\\')) {
                    at++;
                } else if (bytes[at] == '\r' || bytes[at] == '\n') {
                    throw new BadSyntax("a quoted string cannot hold a line break; send it as a literal");
                }
                text.write(bytes[at++]);
            }
            if (at >= end) {
                throw new BadSyntax("a quoted string is not closed");
            }
            at++;
            return utf8(text.toByteArray(), 0, text.size());
        }

        /** {@code {n+} CRLF} then n octets, or {@code {n}}: the connection framed it whole. */
        private String literal() throws BadSyntax {
            int close = at;
            while (close < bytes.length && bytes[close] != '}') {
                close++;
            }
            String digits = new String(bytes, at + 1, Math.max(0, close - at - 1), StandardCharsets.US_ASCII)
                    .replace("+", "");
            int length;
            try {
                length = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new BadSyntax("a literal's length must be a number");
            }
            int start = close + 1;
            start += start < bytes.length && bytes[start] == '\r' ? 1 : 0;
            start += start < bytes.length && bytes[start] == '\n' ? 1 : 0;
            if (start + length > bytes.length) {
                throw new BadSyntax("the literal is shorter than its length");
            }
            at = start + length;
            return utf8(bytes, start, length);
        }

        private String atom() {
            int start = at;
            while (at < end && bytes[at] != ' ') {
                at++;
            }
            return new String(bytes, start, at - start, StandardCharsets.UTF_8);
        }

        private static String utf8(byte[] bytes, int offset, int length) throws BadSyntax {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
            } catch (CharacterCodingException e) {
                throw new BadSyntax("a string is not valid UTF-8 (RFC 5804 section 1.5)");
            }
        }
    }
}
