package dev.postillion.queue.outbound;

import java.util.Locale;

/**
 * The SMTP service extensions a server offers in its EHLO reply (RFC 5321 section 4.1.1.1), of
 * those the client uses.
 *
 * @param pipelining RFC 2920: the envelope commands may go in one batch
 * @param size RFC 1870: the server takes a {@code SIZE=} parameter
 * @param sizeLimit the largest message the server takes, in octets; 0 when it names no limit
 * @param eightBitMime RFC 6152: 8-bit content may be sent, declared with {@code BODY=8BITMIME}
 * @param smtputf8 RFC 6531: UTF-8 addresses and headers may be sent
 * @param dsn RFC 3461: NOTIFY, ORCPT, RET and ENVID may be passed on
 * @param starttls RFC 3207: the server offers TLS
 */
public record ServerExtensions(boolean pipelining, boolean size, long sizeLimit, boolean eightBitMime,
        boolean smtputf8, boolean dsn, boolean starttls) {

    /** A server greeted with HELO offers nothing (RFC 5321 section 4.1.1.1). */
    public static final ServerExtensions NONE = new ServerExtensions(false, false, 0, false, false, false, false);

    /** Reads the keyword lines of a positive EHLO reply; its first line is the server's name. */
    public static ServerExtensions parse(SmtpReply ehlo) {
        boolean pipelining = false;
        boolean size = false;
        long sizeLimit = 0;
        boolean eightBitMime = false;
        boolean smtputf8 = false;
        boolean dsn = false;
        boolean starttls = false;
        for (String line : ehlo.texts().subList(1, ehlo.lines().size())) {
            String[] words = line.trim().split("\\s+");
            switch (words[0].toUpperCase(Locale.ROOT)) {
                case "PIPELINING" -> pipelining = true;
                case "SIZE" -> {
                    size = true;
                    sizeLimit = words.length > 1 ? sizeLimit(words[1]) : 0;
                }
                case "8BITMIME" -> eightBitMime = true;
                case "SMTPUTF8" -> smtputf8 = true;
                case "DSN" -> dsn = true;
                case "STARTTLS" -> starttls = true;
                default -> { } // an extension the client does not use
            }
        }
        return new ServerExtensions(pipelining, size, sizeLimit, eightBitMime, smtputf8, dsn, starttls);
    }

    /** RFC 1870 section 4: a number of octets, where 0 means no fixed limit; nonsense counts as none. */
    private static long sizeLimit(String word) {
        try {
            return Math.max(0, Long.parseLong(word));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
