package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.invalid;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.proto.Redirect;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where an address's mail may be sent on (SPEC section 2): the targets of a redirect and the
 * backup copy. A target is never the address itself under any of its names (a loop on the first
 * hop), and at a hosted domain it is an address that receives mail, not one leading back through
 * the catch-all.
 */
final class ForwardTargets {

    private final Directory directory;
    private final int maxTargets;

    ForwardTargets(Directory directory, int maxTargets) {
        this.directory = directory;
        this.maxTargets = maxTargets;
    }

    /**
     * A redirect of {@code self} to {@code targets}, each checked and in canonical form, repeats
     * dropped.
     *
     * @param own the other names of {@code self} (aliases, alias domains), none of which may be a target
     * @param pending local parts of self's domain created together with it (an import's earlier lines)
     */
    Redirect redirect(EmailAddress self, Set<String> own, List<String> targets, boolean keepCopy,
            Set<String> pending) {
        if (targets.isEmpty()) {
            throw invalid("a redirect needs at least one target");
        }
        if (targets.size() > maxTargets) {
            throw invalid("a redirect has at most " + maxTargets + " targets");
        }
        Set<String> canonical = new LinkedHashSet<>();
        for (String target : targets) {
            canonical.add(target(self, own, target, "redirect target", pending));
        }
        return Redirect.newBuilder().addAllTargets(canonical).setKeepCopy(keepCopy).build();
    }

    /**
     * A target mail of {@code self} is sent on to: not {@code self} under any of its names (a loop
     * on the first hop), and at a hosted domain an address that receives mail.
     *
     * @return the target in canonical (lower-case) form
     */
    String target(EmailAddress self, Set<String> own, String target, String what,
            Set<String> pending) {
        EmailAddress parsed = address(target, what);
        if (parsed.key().equals(self.key()) || own.contains(parsed.key())) {
            throw invalid(what + " " + target + " is the address itself");
        }
        boolean createdWithSelf = parsed.domainKey().equals(self.domainKey())
                && pending.contains(parsed.localPart().toLowerCase(Locale.ROOT));
        // Checked on the directory's writer thread, which may wait for the store.
        if (!createdWithSelf && DirectoryStore.await(directory.hosts(parsed.domain()))) {
            Directory.Resolution resolution = DirectoryStore.await(directory.resolve(parsed));
            if (resolution.lookup() != Directory.Lookup.MAILBOX) {
                throw invalid(what + " " + target + " is not an address that receives mail here");
            }
            if (resolution.mailbox().key().equals(self.key())) {
                throw invalid(what + " " + target + " leads back to the address itself (through "
                        + (resolution.throughCatchAll() ? "the catch-all)" : "a subaddress)"));
            }
        }
        return parsed.key();
    }

    private static EmailAddress address(String text, String what) {
        try {
            return EmailAddress.parse(text == null ? "" : text.trim(), true);
        } catch (AddressSyntaxException e) {
            throw invalid(what + " '" + text + "' is not an address: " + e.getMessage());
        }
    }
}
