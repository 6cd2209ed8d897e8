package dev.postillion.mailbox.responder;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A responder's start or end as written: an ISO-8601 local date-time, read in the address's time
 * zone, or one with an offset, which is the same instant everywhere.
 *
 * @param offset empty for a local date-time
 */
record LocalOrOffsetDateTime(LocalDateTime dateTime, Optional<ZoneOffset> offset) {

    /**
     * Parses {@code 2026-12-20T08:00}, {@code 2026-12-20T08:00:00}, {@code 2026-12-20T08:00:00Z}
     * or {@code 2026-12-20T08:00:00+01:00}. A date alone, or a zone name in brackets, is refused:
     * the first leaves the time of day open, the second would let one responder carry a zone of
     * its own besides the address's.
     *
     * @param field the field's name for the error message
     * @throws IllegalArgumentException naming the field and the text
     */
    static LocalOrOffsetDateTime parse(String field, String text) {
        try {
            OffsetDateTime absolute = OffsetDateTime.parse(text);
            return new LocalOrOffsetDateTime(absolute.toLocalDateTime(), Optional.of(absolute.getOffset()));
        } catch (DateTimeException notWithOffset) {
            try {
                return new LocalOrOffsetDateTime(LocalDateTime.parse(text), Optional.empty());
            } catch (DateTimeException notLocal) {
                throw new IllegalArgumentException(field + " '" + text + "' is not an ISO-8601 date-time such as "
                        + "2026-12-20T08:00 or 2026-12-20T08:00:00+01:00");
            }
        }
    }

    /**
     * The instant this stands for in {@code zone}. A local time that a daylight-saving change skips
     * is moved forward by the length of the gap, and one that occurs twice means the earlier
     * (java.time's rule for {@link LocalDateTime#atZone}).
     */
    Instant instantIn(ZoneId zone) {
        return offset.map(dateTime::toInstant).orElseGet(() -> dateTime.atZone(zone).toInstant());
    }

    boolean isLocal() {
        return offset.isEmpty();
    }

    /**
     * Whether both are local or both have an offset: only then is their order the same in every
     * zone, so that {@link #isAfter} can be asked without one.
     */
    boolean sameKindAs(LocalOrOffsetDateTime other) {
        return isLocal() == other.isLocal();
    }

    /** Whether this comes after {@code other}, which must be of the {@linkplain #sameKindAs same kind}. */
    boolean isAfter(LocalOrOffsetDateTime other) {
        if (!sameKindAs(other)) {
            throw new IllegalArgumentException("a local date-time and one with an offset have no order without a zone");
        }
        return instantIn(ZoneOffset.UTC).isAfter(other.instantIn(ZoneOffset.UTC));
    }
}
