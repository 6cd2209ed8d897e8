package dev.postillion.mailbox;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An address's allow and block lists of senders (SPEC section 4): entries are whole addresses
 * ({@code x@example.com}) or whole domains ({@code @example.com}), compared case-insensitively.
 * An allow-listed sender is never blocked, so a domain can be blocked but for one of its senders.
 */
public final class SenderLists {

    /** What the lists say of a sender. */
    public enum Verdict {
        /** On the allow list: skips the spam verdict. */
        ALLOWED,
        /** On the block list and not allowed: to Junk, or refused when the address says so. */
        BLOCKED,
        NOT_LISTED
    }

    private SenderLists() {}

    /** @param sender the envelope sender; the null sender (empty) is never listed */
    public static Verdict verdict(Address address, String sender) {
        if (sender == null || sender.isEmpty()) {
            return Verdict.NOT_LISTED;
        }
        String key = sender.toLowerCase(Locale.ROOT);
        String domainEntry = key.substring(key.lastIndexOf('@') < 0 ? key.length() : key.lastIndexOf('@'));
        if (address.allow().contains(key) || address.allow().contains(domainEntry)) {
            return Verdict.ALLOWED;
        }
        if (address.block().contains(key) || address.block().contains(domainEntry)) {
            return Verdict.BLOCKED;
        }
        return Verdict.NOT_LISTED;
    }

    /** Checks and lower-cases list entries, dropping repeats; a bad entry is named in the error. */
    static List<String> canonical(List<String> entries, String list) {
        Set<String> canonical = new LinkedHashSet<>();
        for (String entry : entries) {
            canonical.add(canonicalEntry(entry == null ? "" : entry.trim(), list));
        }
        return new ArrayList<>(canonical);
    }

    private static String canonicalEntry(String entry, String list) {
        try {
            if (entry.startsWith("@")) {
                EmailAddress.checkDomain(entry.substring(1), true);
                return entry.toLowerCase(Locale.ROOT);
            }
            return EmailAddress.parse(entry, true).key();
        } catch (AddressSyntaxException e) {
            throw DirectoryException.invalid(list + " list entry '" + entry
                    + "' is neither an address nor an @domain: " + e.getMessage());
        }
    }
}
