package dev.postillion.mta.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An SMTP reply (RFC 5321 section 4.2) with its enhanced status code (RFC 2034, RFC 3463).
 * Replies are values: the session picks one and {@link #about} names the address it concerns.
 *
 * @param enhanced {@code null} for the replies RFC 2034 exempts: the greeting, EHLO/HELO and 354
 */
public record Reply(int code, String enhanced, List<String> lines) {

    public Reply {
        lines = List.copyOf(lines);
    }

    public static Reply of(int code, String enhanced, String text) {
        return new Reply(code, enhanced, List.of(text));
    }

    /** A reply that carries no enhanced status code. */
    public static Reply plain(int code, String text) {
        return new Reply(code, null, List.of(text));
    }

    /** The same reply, prefixed with the address it is about: {@code 550 5.1.1 <x@y>: ...}. */
    public Reply about(String address) {
        return new Reply(code, enhanced, List.of("<" + address + ">: " + lines.get(0)));
    }

    /** The reply on the wire: continuation lines use {@code code-}, the last {@code code SP}. */
    public byte[] bytes() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhanced != null) {
                out.append(enhanced).append(' ');
            }
            out.append(lines.get(i)).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return new String(bytes(), StandardCharsets.UTF_8).trim();
    }
}
