package dev.postillion.mta.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * An SMTP reply (RFC 5321 section 4.2) with its enhanced status code (RFC 2034, RFC 3463).
 * Replies are values: the session picks one and {@link #about} names the address it concerns.
 *
 * @param enhanced {@code null} for the replies RFC 2034 exempts: the greeting, EHLO/HELO and 354
 * @param reason why a 4xx or 5xx reply refuses, for the metrics; {@code null} to derive it from
 *     the enhanced code (see {@link #rejection})
 */
public record Reply(int code, String enhanced, List<String> lines, Rejection reason) {

    public Reply {
        lines = List.copyOf(lines);
    }

    public static Reply of(int code, String enhanced, String text) {
        return new Reply(code, enhanced, List.of(text), null);
    }

    /** A reply that carries no enhanced status code. */
    public static Reply plain(int code, String text) {
        return new Reply(code, null, List.of(text), null);
    }

    /** The same reply, refusing for {@code why}. */
    public Reply because(Rejection why) {
        return new Reply(code, enhanced, lines, why);
    }

    /** The same reply, prefixed with the address it is about: {@code 550 5.1.1 <x@y>: ...}. */
    public Reply about(String address) {
        return new Reply(code, enhanced, List.of("<" + address + ">: " + lines.get(0)), reason);
    }

    /**
     * Why the reply refuses, if it does (4xx or 5xx): the reason it was given, else a fault of
     * ours for a mail-system status (RFC 3463 class X.3.X), else the client's protocol.
     */
    public Optional<Rejection> rejection() {
        if (code < 400) {
            return Optional.empty();
        }
        if (reason != null) {
            return Optional.of(reason);
        }
        return Optional.of(enhanced != null && enhanced.startsWith(".3.", 1) ? Rejection.LOCAL_ERROR
                : Rejection.PROTOCOL);
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
