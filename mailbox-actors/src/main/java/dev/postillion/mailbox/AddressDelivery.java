package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.notFound;
import static dev.postillion.mailbox.DirectoryStore.addressKey;
import static dev.postillion.mailbox.DirectoryStore.await;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.proto.AddressRecord;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * How mail to an address is delivered, as its owner set it: a redirect, a backup copy (SPEC
 * section 2), the allow and block lists of senders and the spam filter's switch (SPEC section 4).
 * Each change is one write of the address's record through the directory's writer.
 */
public final class AddressDelivery {

    private final DirectoryStore records;
    private final Directory directory;
    private final ForwardTargets forwards;

    AddressDelivery(DirectoryStore records, Directory directory, ForwardTargets forwards) {
        this.records = records;
        this.directory = directory;
        this.forwards = forwards;
    }

    // --- redirect and backup copy ---

    /**
     * Forwards the address's mail to {@code targets}, keeping a copy or not. Targets are checked
     * now: local ones must exist, and none may be the address itself (a loop on the first hop).
     */
    public CompletionStage<Address> setRedirect(EmailAddress address, List<String> targets, boolean keepCopy) {
        return records.changeAddress(address, record -> record.setRedirect(
                forwards.redirect(address, await(directory.ownAddresses(record.build())), targets, keepCopy, Set.of())))
                .thenApply(AddressRecords::address);
    }

    public CompletionStage<Address> removeRedirect(EmailAddress address) {
        return records.changeAddress(address, record -> {
            if (!record.hasRedirect()) {
                throw notFound(address + " has no redirect");
            }
            return record.clearRedirect();
        }).thenApply(AddressRecords::address);
    }

    /** Every future incoming message is also sent to {@code target} (SPEC section 2, backup copy). */
    public CompletionStage<Address> setBackupCopy(EmailAddress address, String target) {
        return records.changeAddress(address, record -> record.setBackupCopy(
                forwards.target(address, await(directory.ownAddresses(record.build())), target, "backup copy", Set.of())))
                .thenApply(AddressRecords::address);
    }

    public CompletionStage<Address> removeBackupCopy(EmailAddress address) {
        return records.changeAddress(address, record -> {
            if (record.getBackupCopy().isEmpty()) {
                throw notFound(address + " has no backup copy");
            }
            return record.clearBackupCopy();
        }).thenApply(AddressRecords::address);
    }

    // --- allow and block lists ---

    /**
     * Replaces the address's sender lists; each entry is {@code local@domain} or {@code @domain}.
     *
     * @return warnings for the operator: the address's own address on its allow list lets anyone
     *     forging it skip the spam verdict
     */
    public CompletionStage<List<String>> setLists(EmailAddress address, List<String> allow, List<String> block,
            boolean rejectBlocked) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            List<String> allowed = SenderLists.canonical(allow, "allow");
            List<String> blocked = SenderLists.canonical(block, "block");
            AddressRecord changed = record.toBuilder()
                    .clearAllow().addAllAllow(allowed)
                    .clearBlock().addAllBlock(blocked)
                    .setRejectBlocked(rejectBlocked)
                    .build();
            records.commit(new StoreBatch().put(MailboxFamilies.DIRECTORY,
                    addressKey(record.getDomain(), record.getLocalPart()), changed.toByteArray()));
            Set<String> own = await(directory.ownAddresses(record));
            return allowed.stream().filter(own::contains)
                    .map(entry -> "the allow list contains " + entry + ", the address's own address:"
                            + " mail forged with it would skip the spam verdict")
                    .toList();
        });
    }

    /** Turns the spam filter's verdict on or off for the address's mail (SPEC section 4). */
    public CompletionStage<Address> setSpamFilter(EmailAddress address, boolean on) {
        return records.changeAddress(address, record -> record.setSpamFilterOff(!on))
                .thenApply(AddressRecords::address);
    }
}
