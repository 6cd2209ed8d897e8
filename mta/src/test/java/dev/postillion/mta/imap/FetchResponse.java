package dev.postillion.mta.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One untagged {@code * n FETCH (name value ...)} response (RFC 9051 section 7.5.2), split into
 * its items. Each value is kept as the exact octets the server wrote (literal framing included),
 * so structured items can be compared byte for byte; {@link #content} undoes the string framing
 * of a section's value.
 */
record FetchResponse(int number, Map<String, byte[]> items) {

    static boolean isFetch(byte[] response) {
        String start = new String(response, 0, Math.min(response.length, 40), StandardCharsets.ISO_8859_1);
        return start.matches("\\* \\d+ FETCH \\((?s).*");
    }

    static FetchResponse parse(byte[] response) {
        Reader reader = new Reader(response);
        reader.expect("* ");
        int number = Integer.parseInt(reader.until(' '));
        reader.expect(" FETCH (");
        Map<String, byte[]> items = new LinkedHashMap<>();
        while (reader.peek() != ')') {
            String name = reader.itemName();
            reader.expect(" ");
            items.put(name, reader.value());
            if (reader.peek() == ' ') {
                reader.at++;
            }
        }
        return new FetchResponse(number, items);
    }

    /** The octets of a string value (quoted or literal); null for NIL. */
    static byte[] content(byte[] value) {
        if (value.length == 3 && new String(value, StandardCharsets.US_ASCII).equals("NIL")) {
            return null;
        }
        if (value[0] == '"') {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 1; i < value.length - 1; i++) {
                if (value[i] == '\\') {
                    i++;
                }
                out.write(value[i]);
            }
            return out.toByteArray();
        }
        int open = indexOf(value, (byte) '\n') + 1;
        return Arrays.copyOfRange(value, open, value.length);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** A cursor over the response octets. */
    private static final class Reader {
        private final byte[] bytes;
        private int at;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int peek() {
            return bytes[at];
        }

        void expect(String text) {
            for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                if (bytes[at++] != b) {
                    throw new IllegalArgumentException("expected " + text + " at " + (at - 1) + " in "
                            + new String(bytes, StandardCharsets.UTF_8));
                }
            }
        }

        String until(char stop) {
            int start = at;
            while (bytes[at] != stop) {
                at++;
            }
            return new String(bytes, start, at - start, StandardCharsets.US_ASCII);
        }

        /** An item name: up to a space outside brackets ("BODY[HEADER.FIELDS (SUBJECT)]"). */
        String itemName() {
            int start = at;
            int depth = 0;
            while (depth > 0 || bytes[at] != ' ') {
                if (bytes[at] == '[') {
                    depth++;
                } else if (bytes[at] == ']') {
                    depth--;
                }
                at++;
            }
            return new String(bytes, start, at - start, StandardCharsets.US_ASCII);
        }

        /** One value: a list, a quoted string, a literal, or an atom (NIL, a number). */
        byte[] value() {
            int start = at;
            skipValue();
            return Arrays.copyOfRange(bytes, start, at);
        }

        private void skipValue() {
            switch (bytes[at]) {
                case '(' -> {
                    at++;
                    while (bytes[at] != ')') {
                        if (bytes[at] == ' ') {
                            at++;
                        } else {
                            skipValue();
                        }
                    }
                    at++;
                }
                case '"' -> {
                    at++;
                    while (bytes[at] != '"') {
                        at += bytes[at] == '\\' ? 2 : 1;
                    }
                    at++;
                }
                case '{', '~' -> { // a literal, or RFC 3516's literal8
                    int open = bytes[at] == '~' ? at + 1 : at;
                    int close = open;
                    while (bytes[close] != '}') {
                        close++;
                    }
                    int length = Integer.parseInt(new String(bytes, open + 1, close - open - 1, StandardCharsets.US_ASCII));
                    at = close + 3 + length;
                }
                default -> {
                    while (bytes[at] != ' ' && bytes[at] != ')' && bytes[at] != '(') {
                        at++;
                    }
                }
            }
        }
    }
}
