package dev.postillion.queue.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * RFC 5322 section 3.3 date-time, in UTC with a numeric zone: the report's Date header and the
 * date fields of its delivery-status part, which take the same form (RFC 3464 section 2.2.5).
 */
final class MailDate {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private MailDate() {}

    static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
