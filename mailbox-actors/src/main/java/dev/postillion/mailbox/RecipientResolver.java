package dev.postillion.mailbox;

import dev.postillion.mailbox.Directory.Lookup;
import dev.postillion.mailbox.Directory.Resolution;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.AddressType;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Which address owns mail to a local part of a hosted (primary) domain: the address of that name,
 * else the address an alias of that name stands for, else, for a subaddress, the same for its
 * base, else the domain's catch-all. The one place a recipient is mapped to a hosted address: the
 * SMTP session's RCPT, the queue's routing and the redirect checks all come here through {@link
 * Directory#resolve}.
 *
 * <p>Subaddresses (RFC 5233 section 1): {@code user<separator>detail} is delivered as {@code user}
 * would be, when no address or alias has that exact name (operators' local parts cannot hold the
 * default separator, '+', anyway). The local part is split at the first separator, so the detail
 * may itself contain it, and may be empty ({@code anna+@}, which RFC 5233 allows); an empty user
 * ({@code +news@}) is no subaddress. The envelope keeps the recipient as given, detail and all, for
 * the mailbox (a Sieve {@code :detail} test) to read. An empty separator turns subaddressing off.
 */
final class RecipientResolver {

    private static final Resolution UNKNOWN = new Resolution(Lookup.UNKNOWN_ADDRESS, null, false);

    private final DirectoryStore records;
    private final String separator;

    RecipientResolver(DirectoryStore records, String separator) {
        this.records = records;
        this.separator = separator;
    }

    /** Completes at once from the cache, else on the store's reader thread; never blocks the caller. */
    CompletionStage<Resolution> resolve(Domain domain, String localPart) {
        String name = domain.name();
        return named(name, localPart)
                .thenCompose(named -> named.isPresent() ? CompletableFuture.completedFuture(named)
                        : user(localPart).map(user -> named(name, user))
                                .orElse(CompletableFuture.completedFuture(Optional.empty())))
                .thenCompose(owner -> {
                    if (owner.isPresent()) {
                        return CompletableFuture.completedFuture(resolution(owner.get(), false));
                    }
                    if (domain.catchAll().isEmpty()) {
                        return CompletableFuture.completedFuture(UNKNOWN);
                    }
                    return records.address(name, domain.catchAll().get())
                            .thenApply(catchAll -> catchAll.map(found -> resolution(found, true)).orElse(UNKNOWN));
                });
    }

    /** The user part of a subaddress (RFC 5233: before the separator); empty when it is none. */
    Optional<String> user(String localPart) {
        int at = separator.isEmpty() ? -1 : localPart.indexOf(separator);
        return at > 0 ? Optional.of(localPart.substring(0, at)) : Optional.empty();
    }

    /** The address by its own name, else the address an alias of that name stands for. */
    private CompletionStage<Optional<AddressRecord>> named(String domain, String localPart) {
        return records.address(domain, localPart).thenCompose(address -> address.isPresent()
                ? CompletableFuture.completedFuture(address)
                : records.alias(domain, localPart).thenCompose(alias -> alias.isEmpty()
                        ? CompletableFuture.completedFuture(Optional.<AddressRecord>empty())
                        : records.address(domain, alias.get().getTarget())));
    }

    private static Resolution resolution(AddressRecord owner, boolean throughCatchAll) {
        Lookup lookup = owner.getType() == AddressType.NO_REPLY ? Lookup.NO_REPLY
                : owner.getDisabled() ? Lookup.DISABLED : Lookup.MAILBOX;
        return new Resolution(lookup, AddressRecords.address(owner), throughCatchAll);
    }
}
