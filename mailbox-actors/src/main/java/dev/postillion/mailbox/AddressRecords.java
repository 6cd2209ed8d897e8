package dev.postillion.mailbox;

import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.AddressType;
import dev.postillion.mailbox.proto.ResponderRecord;
import dev.postillion.mailbox.responder.Responder;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The directory's stored form of an {@link Address} and its responders ({@code directory.proto}):
 * the records belong to the directory, the address to every module.
 */
final class AddressRecords {

    private static final ZoneId UTC = ZoneId.of("UTC");

    private AddressRecords() {}

    /** The address a record holds; its responders were checked when stored. */
    static Address address(AddressRecord record) {
        Optional<Address.Redirect> redirect = record.hasRedirect()
                ? Optional.of(new Address.Redirect(record.getRedirect().getTargetsList(),
                        record.getRedirect().getKeepCopy()))
                : Optional.empty();
        return new Address(record.getLocalPart(), record.getDomain(), type(record.getType()), record.getDisabled(),
                record.getAliasesList(), redirect, optional(record.getBackupCopy()), record.getAllowList(),
                record.getBlockList(), record.getRejectBlocked(), !record.getSpamFilterOff(),
                timeZone(record.getTimeZone()),
                record.getRespondersList().stream().map(AddressRecords::responder).toList(),
                optional(record.getActiveResponder()), Instant.ofEpochMilli(record.getCreatedEpochMillis()),
                record.getPasswordVersion(), record.hasEncryption()
                        ? Optional.of(new Address.Encryption(record.getEncryption().getPublicKey().toByteArray(),
                                record.getEncryption().getFingerprint(),
                                Instant.ofEpochMilli(record.getEncryption().getCreatedEpochMillis())))
                        : Optional.empty());
    }

    static AddressType toRecord(Address.Type type) {
        return switch (type) {
            case MAILBOX -> AddressType.MAILBOX;
            case NO_REPLY -> AddressType.NO_REPLY;
        };
    }

    private static Address.Type type(AddressType type) {
        return type == AddressType.NO_REPLY ? Address.Type.NO_REPLY : Address.Type.MAILBOX;
    }

    /** The zone of an address's responder dates: its own, or UTC (also for a zone no longer known). */
    private static ZoneId timeZone(String zone) {
        try {
            return zone.isEmpty() ? UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            // A zone the running JVM's time-zone data no longer has: UTC rather than a failure.
            return UTC;
        }
    }

    /** The responder as the rules' value type; throws IllegalArgumentException naming a bad field. */
    static Responder responder(ResponderRecord record) {
        Set<DayOfWeek> weekdays = record.getWeekdaysList().stream()
                .map(day -> {
                    try {
                        return DayOfWeek.valueOf(day.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("weekday '" + day + "' is not one of MONDAY to SUNDAY");
                    }
                })
                .collect(Collectors.toSet());
        return new Responder(record.getId(), record.getName(), record.getText(), optional(record.getSubject()),
                optional(record.getStart()), optional(record.getEnd()), weekdays, optional(record.getFrom()),
                record.getExcludeList());
    }

    /** The operator's responder as it would be stored under {@code id}, not yet checked. */
    static ResponderRecord toRecord(ResponderSettings settings, String id) {
        return ResponderRecord.newBuilder()
                .setId(id)
                .setName(settings.name())
                .setText(settings.text())
                .setSubject(settings.subject().orElse(""))
                .setStart(settings.start().orElse(""))
                .setEnd(settings.end().orElse(""))
                .addAllWeekdays(settings.weekdays())
                .setFrom(settings.from().orElse(""))
                .addAllExclude(settings.exclude())
                .build();
    }

    private static Optional<String> optional(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
