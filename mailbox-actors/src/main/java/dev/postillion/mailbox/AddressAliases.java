package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.invalid;
import static dev.postillion.mailbox.DirectoryException.notFound;
import static dev.postillion.mailbox.DirectoryStore.addressKey;
import static dev.postillion.mailbox.DirectoryStore.aliasKey;
import static dev.postillion.mailbox.DirectoryStore.await;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.AliasRecord;
import dev.postillion.mailbox.proto.ResponderRecord;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The aliases of addresses (SPEC section 2): other local parts of an address's domain, delivered
 * to it. Each is kept twice, in the address's record and as an alias record that resolves it,
 * written in one batch.
 */
public final class AddressAliases {

    private final DirectoryStore records;
    private final Directory directory;
    private final int maxAliases;

    AddressAliases(DirectoryStore records, Directory directory, int maxAliases) {
        this.records = records;
        this.directory = directory;
        this.maxAliases = maxAliases;
    }

    /** Adds an alias: another local part of the same domain, delivered to this address. */
    public CompletionStage<Address> add(EmailAddress address, String localPart) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            AddressRules.checkLocalPart(localPart);
            if (record.getAliasesCount() >= maxAliases) {
                throw invalid(address + " has " + maxAliases + " aliases, the most an address may have");
            }
            directory.checkLocalPartFree(record.getDomain(), localPart);
            AddressRecord changed = record.toBuilder().addAliases(localPart).build();
            AliasRecord alias = AliasRecord.newBuilder().setLocalPart(localPart).setTarget(record.getLocalPart())
                    .build();
            records.commit(new StoreBatch()
                    .put(MailboxFamilies.DIRECTORY, aliasKey(record.getDomain(), localPart), alias.toByteArray())
                    .put(MailboxFamilies.DIRECTORY, addressKey(record.getDomain(), record.getLocalPart()),
                            changed.toByteArray()));
            return AddressRecords.address(changed);
        });
    }

    public CompletionStage<Address> remove(EmailAddress address, String localPart) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            List<String> kept = record.getAliasesList().stream()
                    .filter(alias -> !alias.equalsIgnoreCase(localPart)).toList();
            if (kept.size() == record.getAliasesCount()) {
                throw notFound(localPart + "@" + record.getDomain() + " is not an alias of " + address);
            }
            AddressRecord changed = withoutForeignFrom(record.toBuilder().clearAliases().addAllAliases(kept).build());
            records.commit(new StoreBatch()
                    .delete(MailboxFamilies.DIRECTORY, aliasKey(record.getDomain(), localPart))
                    .put(MailboxFamilies.DIRECTORY, addressKey(record.getDomain(), record.getLocalPart()),
                            changed.toByteArray()));
            return AddressRecords.address(changed);
        });
    }

    /**
     * A responder's alternative From must stay the address's own (SPEC section 3): once its alias
     * is gone, the responder answers from the address itself.
     */
    private AddressRecord withoutForeignFrom(AddressRecord address) {
        Set<String> own = await(directory.ownAddresses(address)); // on the writer thread
        AddressRecord.Builder changed = address.toBuilder();
        for (int i = 0; i < address.getRespondersCount(); i++) {
            ResponderRecord responder = address.getResponders(i);
            if (!responder.getFrom().isEmpty() && !own.contains(responder.getFrom().toLowerCase(Locale.ROOT))) {
                changed.setResponders(i, responder.toBuilder().clearFrom());
            }
        }
        return changed.build();
    }
}
