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
import java.util.Optional;
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
    public CompletionStage<ResponderRecord> add(EmailAddress address, ResponderRecord responder) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            ResponderRecord stored = checked(record,
                    responder.toBuilder().setId(Long.toString(record.getNextResponderId() + 1)).build());
            records.saveAddress(record.toBuilder().addResponders(stored)
                    .setNextResponderId(record.getNextResponderId() + 1));
            return stored;
        });
    }

    /** Replaces a responder's settings; its id and whether it is active stay. */
    public CompletionStage<ResponderRecord> replace(EmailAddress address, String id, ResponderRecord responder) {
        return records.change(() -> {
            AddressRecord record = await(records.requireAddress(address));
            int index = index(record, id);
            ResponderRecord stored = checked(record, responder.toBuilder().setId(id).build());
            records.saveAddress(record.toBuilder().setResponders(index, stored));
            return stored;
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
    public CompletionStage<AddressRecord> activate(EmailAddress address, String id) {
        return records.changeAddress(address, record -> {
            index(record.build(), id);
            return record.setActiveResponder(id);
        });
    }

    public CompletionStage<AddressRecord> deactivate(EmailAddress address, String id) {
        return records.changeAddress(address, record -> {
            index(record.build(), id);
            return record.getActiveResponder().equals(id) ? record.clearActiveResponder() : record;
        });
    }

    /** The active responder of an address, if any. */
    public static Optional<ResponderRecord> active(AddressRecord address) {
        return address.getRespondersList().stream()
                .filter(responder -> responder.getId().equals(address.getActiveResponder()))
                .findFirst();
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
