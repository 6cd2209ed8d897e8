package dev.postillion.mailbox;

import dev.postillion.mailbox.proto.DomainRecord;
import java.time.Instant;
import java.util.Optional;

/**
 * A hosted domain as the directory answers for it: what other modules are given instead of the
 * directory's record.
 *
 * @param name the domain's key (A-labels, lower case)
 * @param aliasOf for an alias domain, the primary domain it mirrors ({@code x@name} is {@code x@aliasOf})
 * @param catchAll the local part receiving mail for addresses that match nothing; an alias domain has none
 * @param maintenance mail is accepted, but the domain's mailboxes may not be read (SPEC section 1)
 * @param service the mail service owning it ({@link MailServices}); an alias domain has none, its
 *     primary's owns it
 */
public record Domain(String name, Instant created, Optional<String> aliasOf, Optional<String> catchAll,
        boolean maintenance, Optional<String> service) {

    static Domain of(DomainRecord record) {
        return new Domain(record.getName(), Instant.ofEpochMilli(record.getCreatedEpochMillis()),
                text(record.getAliasOf()), text(record.getCatchAll()), record.getMaintenance(), service(record));
    }

    /** A domain stored before services, not yet adopted, is about to be its own service's. */
    private static Optional<String> service(DomainRecord record) {
        if (!record.getAliasOf().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(record.getService().isEmpty() ? record.getName() : record.getService());
    }

    /** The domain whose addresses and keys this one uses: itself, or the one it is an alias of. */
    public String primary() {
        return aliasOf.orElse(name);
    }

    private static Optional<String> text(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
