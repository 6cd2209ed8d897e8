package dev.postillion.mta.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the parts of one IMAP command as the grammar of RFC 9051 section 9 has them: atoms,
 * quoted strings, literals (inline, as {@link ImapFramer} keeps them), parenthesized lists.
 * Anything else throws {@link BadSyntax}, which the session answers with "BAD" and the reason.
 */
final class CommandReader {

    /** The command does not follow the grammar: answered "BAD" with this message. */
    static final class BadSyntax extends RuntimeException {
        BadSyntax(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] bytes;
    private int position;

    CommandReader(byte[] bytes) {
        this.bytes = bytes;
    }

    boolean atEnd() {
        return position >= bytes.length;
    }

    /** Whether the next octet is {@code c}, without taking it. */
    boolean peek(char c) {
        return position < bytes.length && bytes[position] == c;
    }

    /** Whether an ASCII letter is next: a word rather than a number, a list or a sequence set. */
    boolean peekLetter() {
        return position < bytes.length && ((bytes[position] | 0x20) >= 'a' && (bytes[position] | 0x20) <= 'z');
    }

    /** Takes {@code c} if it is next. */
    boolean take(char c) {
        if (peek(c)) {
            position++;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!take(c)) {
            throw new BadSyntax(atEnd() ? "the command ends where '" + c + "' was expected"
                    : "'" + c + "' expected at octet " + (position + 1));
        }
    }

    void space() {
        expect(' ');
    }

    /** Nothing more may follow. */
    void end() {
        if (!atEnd()) {
            throw new BadSyntax("unexpected text after the command's arguments");
        }
    }

    /** An atom (RFC 9051 {@code atom}), as written. */
    String atom() {
        return run(CommandReader::atomChar, "an atom");
    }

    /** The name of a FETCH item or SEARCH key, which stops where a section '[' or a partial '<' starts. */
    String itemName() {
        return run(c -> atomChar(c) && c != '[' && c != '<', "an item name");
    }

    /** An atom that may hold ']' ({@code ASTRING-CHAR}), a quoted string or a literal, as UTF-8. */
    String astring() {
        if (peek('"') || peek('{') || peek('~')) {
            return new String(string(), StandardCharsets.UTF_8);
        }
        return run(c -> atomChar(c) || c == ']', "an atom, a quoted string or a literal");
    }

    /** A mailbox name or pattern of LIST (RFC 9051 {@code list-mailbox}): '%' and '*' allowed. */
    String listMailbox() {
        if (peek('"') || peek('{') || peek('~')) {
            return new String(string(), StandardCharsets.UTF_8);
        }
        return run(c -> atomChar(c) || c == ']' || c == '%' || c == '*', "a mailbox name or pattern");
    }

    /** A quoted string or a literal ({@code literal8}'s '~' too: RFC 3516), its octets. */
    byte[] string() {
        if (take('"')) {
            return quoted();
        }
        take('~');
        expect('{');
        int digits = position;
        while (position < bytes.length && bytes[position] >= '0' && bytes[position] <= '9') {
            position++;
        }
        if (position == digits || position - digits > 18) {
            throw new BadSyntax("a literal's length is missing or too long");
        }
        long length = Long.parseLong(new String(bytes, digits, position - digits, StandardCharsets.US_ASCII));
        take('+');
        expect('}');
        expect('\r');
        expect('\n');
        if (length > bytes.length - position) {
            throw new BadSyntax("the literal is shorter than announced");
        }
        byte[] literal = Arrays.copyOfRange(bytes, position, position + (int) length);
        position += (int) length;
        return literal;
    }

    private byte[] quoted() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            if (atEnd()) {
                throw new BadSyntax("a quoted string is not closed");
            }
            byte c = bytes[position++];
            if (c == '"') {
                return out.toByteArray();
            }
            if (c == '\\') {
                if (atEnd() || (bytes[position] != '"' && bytes[position] != '\\')) {
                    throw new BadSyntax("in a quoted string only \\\" and \\\\ may be escaped");
                }
                c = bytes[position++];
            } else if (c == '\r' || c == '\n' || c == 0) {
                throw new BadSyntax("a quoted string cannot hold CR, LF or NUL");
            }
            out.write(c);
        }
    }

    /** A parenthesized list of atoms, such as a flag list: {@code (\Seen $Label1)}. */
    List<String> atomList() {
        expect('(');
        List<String> atoms = new ArrayList<>();
        while (!take(')')) {
            if (!atoms.isEmpty()) {
                space();
            }
            atoms.add(flag());
        }
        return atoms;
    }

    /** A flag outside a list: an atom, possibly with a leading backslash. */
    String flag() {
        int start = position;
        take('\\');
        run(CommandReader::atomChar, "a flag");
        return new String(bytes, start, position - start, StandardCharsets.US_ASCII);
    }

    /** A sequence set (RFC 9051 {@code sequence-set}) or "$", as written; parsed by {@link SequenceSet}. */
    String sequenceSet() {
        return run(c -> (c >= '0' && c <= '9') || c == ':' || c == ',' || c == '*' || c == '$', "a sequence set");
    }

    /** A number (RFC 9051 {@code number64}). */
    long number() {
        String digits = run(c -> c >= '0' && c <= '9', "a number");
        if (digits.length() > 18) {
            throw new BadSyntax("number too large: " + digits);
        }
        return Long.parseLong(digits);
    }

    /** The octets up to the next space, ')' or the end, as written: for FETCH items and such. */
    String word() {
        return run(c -> c != ' ' && c != ')' && c != '(' && c != '\r' && c != '\n', "a word");
    }

    /** The octets from here to the end, for the line of an AUTHENTICATE exchange. */
    String rest() {
        String rest = new String(bytes, position, bytes.length - position, StandardCharsets.US_ASCII);
        position = bytes.length;
        return rest;
    }

    /** A bracketed section as written, from '[' to its ']', nested parentheses and spaces included. */
    String bracketed() {
        int start = position;
        expect('[');
        while (!take(']')) {
            if (atEnd()) {
                throw new BadSyntax("a '[' is not closed");
            }
            if (peek('"') || peek('{')) {
                string();
            } else {
                position++;
            }
        }
        return new String(bytes, start, position - start, StandardCharsets.UTF_8);
    }

    private interface OctetTest {
        boolean test(int c);
    }

    private String run(OctetTest allowed, String what) {
        int start = position;
        while (position < bytes.length && allowed.test(bytes[position] & 0xFF)) {
            position++;
        }
        if (position == start) {
            throw new BadSyntax(what + " expected" + (atEnd() ? " at the end" : " at octet " + (position + 1)));
        }
        return new String(bytes, start, position - start, StandardCharsets.UTF_8);
    }

    /** RFC 9051 {@code ATOM-CHAR}: any CHAR but the specials. */
    static boolean atomChar(int c) {
        return c > ' ' && c < 0x7F && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"'
                && c != '\\' && c != ']';
    }
}
