package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.invalid;
import static dev.postillion.mailbox.DirectoryException.notFound;
import static dev.postillion.mailbox.DirectoryStore.await;

import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.ResponderRecord;
import dev.postillion.mailbox.responder.Responder;
import java.time.DayOfWeek;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * The responders of addresses (SPEC section 3): several per address, at most one active, kept on
 * the address's record. What a responder remembers of whom it answered is the mailbox's, in
 * {@link Responders}.
 */
public final class AddressResponders {

    private final DirectoryStore records;
    private final Directory directory;

    AddressResponders(DirectoryStore records, Directory directory) {
        this.records = records;
        this.directory = directory;
    }

    /** Stores a new responder (inactive) and returns it with its id. */
    public CompletionStage<Responder> add(EmailAddress address, ResponderSettings responder) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            ResponderRecord stored = checked(record,
                    AddressRecords.toRecord(responder, Long.toString(record.getNextResponderId() + 1)));
            records.saveAddress(record.toBuilder().addResponders(stored)
                    .setNextResponderId(record.getNextResponderId() + 1));
            return AddressRecords.responder(stored);
        });
    }

    /** Replaces a responder's settings; its id and whether it is active stay. */
    public CompletionStage<Responder> replace(EmailAddress address, String id, ResponderSettings responder) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            int index = index(record, id);
            ResponderRecord stored = checked(record, AddressRecords.toRecord(responder, id));
            records.saveAddress(record.toBuilder().setResponders(index, stored));
            return AddressRecords.responder(stored);
        });
    }

    public CompletionStage<Void> remove(EmailAddress address, String id) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            AddressRecord.Builder changed = record.toBuilder().removeResponders(index(record, id));
            if (record.getActiveResponder().equals(id)) {
                changed.clearActiveResponder();
            }
            records.saveAddress(changed);
            return null;
        });
    }

    /** Makes the responder the active one; any other is deactivated (SPEC section 3). */
    public CompletionStage<Address> activate(EmailAddress address, String id) {
        return records.changeAddress(address, record -> {
            index(record.build(), id);
            return record.setActiveResponder(id);
        }).thenApply(AddressRecords::address);
    }

    public CompletionStage<Address> deactivate(EmailAddress address, String id) {
        return records.changeAddress(address, record -> {
            index(record.build(), id);
            return record.getActiveResponder().equals(id) ? record.clearActiveResponder() : record;
        }).thenApply(AddressRecords::address);
    }

    /** @return the responder with its weekdays in canonical form, Monday first */
    private ResponderRecord checked(AddressRecord address, ResponderRecord responder) {
        Responder valid;
        try {
            valid = AddressRecords.responder(responder);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (!responder.getFrom().isEmpty()
                && !await(directory.ownAddresses(address)).contains(responder.getFrom().toLowerCase(Locale.ROOT))) {
            throw invalid("from " + responder.getFrom() + " is neither the address nor one of its aliases");
        }
        return responder.toBuilder().clearWeekdays()
                .addAllWeekdays(valid.weekdays().stream().sorted().map(DayOfWeek::name).toList())
                .build();
    }

    private static int index(AddressRecord address, String id) {
        for (int i = 0; i < address.getRespondersCount(); i++) {
            if (address.getResponders(i).getId().equals(id)) {
                return i;
            }
        }
        throw notFound("no responder " + id + " for " + address.getLocalPart() + "@" + address.getDomain());
    }
}
