package dev.postillion.mailbox;

import dev.postillion.mailbox.proto.ServiceRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A mail service as the directory answers for it (SPEC section 1): what other modules are given
 * instead of the directory's record.
 *
 * @param name lower case
 * @param addressQuota how many addresses its domains may have in all; empty: no limit
 * @param addresses how many they have (aliases are no addresses; alias domains have none of their own)
 * @param domains its primary domains, in name order; each one's alias domains belong to it too
 * @param maintenance its domains' mailboxes cannot be read, as if each domain were in maintenance
 * @param sendingLimits its defaults for the limits on what its users send, by limit name
 *     ({@code messagesPerHour}, ...); a limit absent is the node's
 */
public record MailService(String name, Instant created, OptionalInt addressQuota, int addresses,
        List<String> domains, boolean maintenance, Map<String, Integer> sendingLimits) {

    static MailService of(ServiceRecord record, List<String> domains) {
        return new MailService(record.getName(), Instant.ofEpochMilli(record.getCreatedEpochMillis()),
                record.hasAddressQuota() ? OptionalInt.of(record.getAddressQuota()) : OptionalInt.empty(),
                record.getAddresses(), List.copyOf(domains), record.getMaintenance(),
                new TreeMap<>(record.getSendingLimitsMap()));
    }
}
