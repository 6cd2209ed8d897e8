package dev.postillion.mailbox.responder;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Envelope senders that are mail systems, list managers or addresses that say nobody reads them.
 * RFC 3834 section 2 asks responders not to answer such senders; an answer would go nowhere, or
 * into a bounce processor that may take it for a delivery failure and unsubscribe the owner.
 *
 * <p>The local part is compared case-insensitively, after removing a quoting and a subaddress
 * ({@code +} and what follows, RFC 5233), so that {@code list-bounces+anna=example.com} and
 * {@code NoReply+news} are covered too. Exact names:
 * {@code mailer-daemon}, {@code postmaster} (RFC 5321 section 4.5.1), {@code listserv},
 * {@code majordomo}, {@code mailman}, {@code noreply}, {@code no-reply}, {@code no_reply},
 * {@code donotreply}, {@code do-not-reply}, {@code do_not_reply}, {@code bounce},
 * {@code bounces}. Patterns: {@code owner-*}, {@code bounce-*}, {@code bounces-*} (list owners
 * and newsletter bounce handlers, RFC 3834 section 2's "owner-"), and {@code *-request},
 * {@code *-bounces}, {@code *-owner} (list administrative addresses, as Mailman and Majordomo
 * name them). A bare local part such as {@code owner} or {@code request} is a person's address.
 */
final class AutomatedSenders {

    private static final Set<String> NAMES = Set.of("mailer-daemon", "postmaster", "listserv", "majordomo", "mailman",
            "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "bounce", "bounces");
    private static final List<String> PREFIXES = List.of("owner-", "bounce-", "bounces-");
    private static final List<String> SUFFIXES = List.of("-request", "-bounces", "-owner");

    private AutomatedSenders() {}

    /**
     * Which name or pattern {@code sender} matches, such as {@code mailer-daemon} or
     * {@code *-request}; empty for a sender that may be answered.
     *
     * @param sender {@code local@domain}, or a bare local part as some systems send
     *     {@code MAILER-DAEMON}
     */
    static Optional<String> match(String sender) {
        String local = localPart(sender);
        if (NAMES.contains(local)) {
            return Optional.of(local);
        }
        for (String prefix : PREFIXES) {
            if (local.startsWith(prefix) && local.length() > prefix.length()) {
                return Optional.of(prefix + "*");
            }
        }
        for (String suffix : SUFFIXES) {
            if (local.endsWith(suffix) && local.length() > suffix.length()) {
                return Optional.of("*" + suffix);
            }
        }
        return Optional.empty();
    }

    private static String localPart(String sender) {
        int at = sender.lastIndexOf('@');
        String local = at < 0 ? sender : sender.substring(0, at);
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            local = local.substring(1, local.length() - 1);
        }
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        return local.toLowerCase(Locale.ROOT);
    }
}
