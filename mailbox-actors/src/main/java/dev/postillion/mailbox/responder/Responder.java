package dev.postillion.mailbox.responder;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One out-of-office responder of an address. An address may keep several; at most one is active,
 * which is the business of whoever stores them. A record that exists is valid: the constructor
 * refuses anything else with an {@link IllegalArgumentException} naming the field.
 *
 * <p>Dates and weekdays are read in the address's time zone, passed to the methods that need it,
 * as a responder may outlive a change of that zone.
 *
 * @param id the stored responder's identity, chosen by whoever stores it
 * @param name what the owner calls it, such as "Christmas holidays"
 * @param text the reply's body
 * @param subject the reply's subject; when empty, {@code Auto: } and the original subject
 *     (RFC 3834 section 3.1.5)
 * @param start ISO-8601 date-time from which it answers: local ({@code 2026-12-20T08:00}, in the
 *     address's zone) or with an offset ({@code 2026-12-20T08:00:00+01:00}, absolute)
 * @param end ISO-8601 date-time from which it no longer answers, in the same forms
 * @param weekdays the days, in the address's zone, on which it answers; empty for every day
 * @param from the reply's From address instead of the address itself
 * @param exclude senders never answered: {@code local@domain} for one address, {@code @domain} for
 *     every address of exactly that domain; {@code @example.com} does not cover
 *     {@code sales.example.com}, so that excluding a domain never silences more than was named
 */
public record Responder(String id, String name, String text, Optional<String> subject, Optional<String> start,
        Optional<String> end, Set<DayOfWeek> weekdays, Optional<String> from, List<String> exclude) {

    public Responder {
        requireText("id", id);
        requireNoControls("id", id);
        requireText("name", name);
        requireText("text", text);
        Objects.requireNonNull(subject, "subject");
        subject.ifPresent(Responder::checkSubject);
        checkWindow(Objects.requireNonNull(start, "start"), Objects.requireNonNull(end, "end"));
        weekdays = copyOf(Objects.requireNonNull(weekdays, "weekdays"));
        Objects.requireNonNull(from, "from").ifPresent(Responder::checkFrom);
        exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
        exclude.forEach(Responder::checkExclusion);
    }

    /** Whether it answers at {@code now}: from start (inclusive) to end (exclusive), on its weekdays. */
    public boolean activeAt(Instant now, ZoneId zone) {
        return whyInactiveAt(now, zone).isEmpty();
    }

    /** Why it does not answer at {@code now}, for the log; empty when it does. */
    public Optional<String> whyInactiveAt(Instant now, ZoneId zone) {
        Optional<Instant> startsAt = startIn(zone);
        if (startsAt.isPresent() && now.isBefore(startsAt.get())) {
            return inactive("it starts at " + describe(start.get(), startsAt.get(), zone));
        }
        Optional<Instant> endsAt = endIn(zone);
        if (endsAt.isPresent() && !now.isBefore(endsAt.get())) {
            return inactive("it ended at " + describe(end.get(), endsAt.get(), zone));
        }
        DayOfWeek today = now.atZone(zone).getDayOfWeek();
        if (!weekdays.isEmpty() && !weekdays.contains(today)) {
            return inactive("it answers on " + weekdays + " only and today is " + today + " in " + zone);
        }
        return Optional.empty();
    }

    /** The instant {@link #start()} stands for in {@code zone}. */
    public Optional<Instant> startIn(ZoneId zone) {
        return start.map(text -> LocalOrOffsetDateTime.parse("start", text).instantIn(zone));
    }

    /** The instant {@link #end()} stands for in {@code zone}. */
    public Optional<Instant> endIn(ZoneId zone) {
        return end.map(text -> LocalOrOffsetDateTime.parse("end", text).instantIn(zone));
    }

    /**
     * The entry of {@link #exclude()} that covers {@code sender}, compared case-insensitively:
     * addresses compare so throughout Postillion (SPEC section 1), and domains do by RFC 5321
     * section 2.4.
     */
    public Optional<String> exclusionOf(String sender) {
        String key = sender.toLowerCase(Locale.ROOT);
        String domain = key.substring(key.lastIndexOf('@') + 1);
        return exclude.stream()
                .filter(entry -> {
                    String entryKey = entry.toLowerCase(Locale.ROOT);
                    return entryKey.startsWith("@") ? entryKey.substring(1).equals(domain) : entryKey.equals(key);
                })
                .findFirst();
    }

    private Optional<String> inactive(String why) {
        return Optional.of("responder '" + name + "' is not active: " + why);
    }

    /** A local date-time is shown with the instant it means in the zone, which is what was compared. */
    private static String describe(String text, Instant instant, ZoneId zone) {
        boolean local = LocalOrOffsetDateTime.parse("date-time", text).isLocal();
        return local ? text + " (" + instant + " in " + zone + ")" : text;
    }

    /**
     * End must come after start. When one is local and the other has an offset, their order
     * depends on the address's zone, which may still change: such a window is accepted, and a
     * responder whose end falls at or before its start in the zone is simply never active.
     */
    private static void checkWindow(Optional<String> start, Optional<String> end) {
        Optional<LocalOrOffsetDateTime> from = start.map(text -> LocalOrOffsetDateTime.parse("start", text));
        Optional<LocalOrOffsetDateTime> until = end.map(text -> LocalOrOffsetDateTime.parse("end", text));
        if (from.isPresent() && until.isPresent() && until.get().sameKindAs(from.get())
                && !until.get().isAfter(from.get())) {
            throw new IllegalArgumentException("end '" + end.get() + "' is not after start '" + start.get() + "'");
        }
    }

    private static void checkSubject(String subject) {
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject is blank; leave it out to answer with 'Auto: ' and the "
                    + "original subject");
        }
        requireNoControls("subject", subject);
    }

    private static Set<DayOfWeek> copyOf(Set<DayOfWeek> weekdays) {
        Set<DayOfWeek> copy = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek day : weekdays) {
            copy.add(Objects.requireNonNull(day, "weekdays may not contain null"));
        }
        return Collections.unmodifiableSet(copy);
    }

    /** ASCII only: a UTF-8 From would oblige every reply to travel with SMTPUTF8 (RFC 6531). */
    private static void checkFrom(String from) {
        try {
            EmailAddress.parse(from, false);
        } catch (AddressSyntaxException e) {
            throw new IllegalArgumentException("from '" + from + "' is not an address: " + e.getMessage());
        }
    }

    private static void checkExclusion(String entry) {
        Objects.requireNonNull(entry, "exclude may not contain null");
        try {
            if (entry.startsWith("@")) {
                EmailAddress.checkDomain(entry.substring(1), true);
            } else {
                EmailAddress.parse(entry, true);
            }
        } catch (AddressSyntaxException e) {
            throw new IllegalArgumentException("exclude entry '" + entry + "' is neither local@domain nor @domain: "
                    + e.getMessage());
        }
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
    }

    /** Header text must not carry CR or LF, which would start a header field of the sender's choosing. */
    private static void requireNoControls(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(field + " may not contain " + EmailAddress.describe(c));
            }
        }
    }
}
