package dev.postillion.mailbox;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.MessageHeaders;
import dev.postillion.sieve.SieveAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a delivery's copies go once the address's Sieve script has spoken (RFC 5228 section 4):
 * the script runs after the sender lists (a blocked sender's mail goes to Junk unfiltered, as
 * does DMARC-quarantined mail and spam: SPEC section 4 files spam in Junk, whatever the rules) and
 * decides what becomes of the copy the address keeps. {@code keep} files into INBOX,
 * {@code fileinto} into its folder, made if missing (as Dovecot's {@code :create}; RFC 5228
 * section 4.1 lets an implementation create it), several into the same folder one copy; flags
 * (RFC 5232) go with the copy; {@code redirect} forwards as the address's own redirect does;
 * {@code discard} keeps nothing, and the delivery is done. A script that fails files into INBOX,
 * and the note says why.
 *
 * @param filings the copies kept: folder and flags, at most one per folder
 * @param forwards the address's forwards and the script's redirects
 * @param discarded the script kept nothing and sent nothing on: the responder does not answer
 * @param note what the log should say of the delivery; empty if nothing
 */
record SieveFiling(List<Filing> filings, List<OutgoingMessage> forwards, boolean discarded, String note) {

    /** One copy kept. */
    record Filing(String folder, MessageFlags flags) {}

    /** What a delivery needs to be filed. */
    record Delivery(EmailAddress mailbox, Envelope envelope, byte[] content, MessageHeaders headers) {}

    static SieveFiling decide(MailDisposition.Rules rules, MailDisposition disposition,
            Optional<ActiveScripts.Verdict> verdict, boolean spam, Delivery delivery, BatchReads reads) {
        if (verdict.isEmpty() || spam || disposition.folder().isEmpty()) {
            return new SieveFiling(disposition.folder().map(folder -> List.of(new Filing(folder, MessageFlags.NONE)))
                    .orElse(List.of()), disposition.forwards(), false, disposition.note());
        }
        List<String> notes = new ArrayList<>();
        if (!disposition.note().isEmpty()) {
            notes.add(disposition.note());
        }
        if (verdict.get().failure() != null) {
            notes.add(verdict.get().failure() + "; filed into INBOX");
            return new SieveFiling(List.of(new Filing(FolderName.INBOX, MessageFlags.NONE)), disposition.forwards(),
                    false, String.join("; ", notes));
        }
        Map<String, MessageFlags> folders = new LinkedHashMap<>();
        List<String> targets = new ArrayList<>();
        for (SieveAction action : verdict.get().actions()) {
            if (action instanceof SieveAction.Keep keep) {
                file(folders, FolderName.INBOX, keep.flags(), notes);
            } else if (action instanceof SieveAction.FileInto into) {
                file(folders, into.folder(), into.flags(), notes);
            } else if (action instanceof SieveAction.Redirect redirect) {
                target(redirect.address(), notes).ifPresent(targets::add);
            } else {
                notes.add("discarded by the Sieve script");
            }
        }
        List<OutgoingMessage> forwards = new ArrayList<>(disposition.forwards());
        if (!targets.isEmpty()) {
            MailDisposition redirected = MailDisposition.redirected(rules, delivery.mailbox(), delivery.envelope(),
                    delivery.content(), delivery.headers(), reads, targets);
            forwards.addAll(redirected.forwards());
            if (!redirected.note().isEmpty()) {
                notes.add(redirected.note());
            }
        }
        List<Filing> filings = folders.entrySet().stream().map(kept -> new Filing(kept.getKey(), kept.getValue()))
                .toList();
        return new SieveFiling(filings, forwards, filings.isEmpty() && targets.isEmpty(), String.join("; ", notes));
    }

    /** A copy into {@code folder}; one the mailbox cannot have goes to INBOX, with a note. */
    private static void file(Map<String, MessageFlags> folders, String folder, Set<String> flags, List<String> notes) {
        String name;
        try {
            name = FolderName.canonical(folder);
        } catch (IllegalArgumentException e) {
            notes.add("fileinto \"" + folder + "\" refused (" + e.getMessage() + "); filed into INBOX");
            name = FolderName.INBOX;
        }
        MessageFlags given = flags(flags);
        folders.merge(name, given, (known, more) -> known.apply(MessageFlags.Change.ADD, more));
    }

    /**
     * The flags an IMAP client could set (RFC 5232 section 3): a system flag that does not exist,
     * or a keyword that is no IMAP atom, is left out.
     */
    private static MessageFlags flags(Set<String> names) {
        MessageFlags flags = MessageFlags.NONE;
        for (String name : names) {
            try {
                if (name.startsWith("\\") || isAtom(name)) {
                    flags = flags.apply(MessageFlags.Change.ADD, MessageFlags.named(List.of(name)));
                }
            } catch (IllegalArgumentException e) {
                // not a flag: left out
            }
        }
        return flags;
    }

    /** RFC 9051 section 9: atom characters, without the list and quoting specials. */
    private static boolean isAtom(String keyword) {
        return !keyword.isEmpty() && keyword.chars().allMatch(c -> c > 0x20 && c < 0x7F && "(){%*\"\\]".indexOf(c) < 0);
    }

    private static Optional<String> target(String address, List<String> notes) {
        try {
            return Optional.of(EmailAddress.parse(address, true).key());
        } catch (AddressSyntaxException e) {
            notes.add("the script's redirect to \"" + address + "\" skipped: " + e.getMessage());
            return Optional.empty();
        }
    }
}
