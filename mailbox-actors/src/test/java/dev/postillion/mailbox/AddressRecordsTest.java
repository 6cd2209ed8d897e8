package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.AddressType;
import dev.postillion.mailbox.proto.Redirect;
import dev.postillion.mailbox.proto.ResponderRecord;
import dev.postillion.mailbox.responder.Responder;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressRecordsTest {

    private static final AddressRecord STORED = AddressRecord.newBuilder()
            .setLocalPart("Anna")
            .setDomain("example.com")
            .setPasswordHash("$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA")
            .setCreatedEpochMillis(1_767_225_600_000L)
            .setPasswordVersion(3)
            .setType(AddressType.NO_REPLY)
            .setDisabled(true)
            .addAliases("jps")
            .setRedirect(Redirect.newBuilder().addTargets("carl@remote.example").setKeepCopy(true))
            .setBackupCopy("copy@remote.example")
            .addAllow("@friends.example")
            .addBlock("spam@remote.example")
            .setRejectBlocked(true)
            .setSpamFilterOff(true)
            .setTimeZone("Europe/Paris")
            .addResponders(ResponderRecord.newBuilder().setId("1").setName("Summer").setText("Away.")
                    .addWeekdays("SATURDAY").setFrom("jps@example.com"))
            .setActiveResponder("1")
            .setNextResponderId(1)
            .build();

    @Test
    void everySettingOfTheRecordIsTheAddresses() {
        Address address = AddressRecords.address(STORED);
        Responder summer = new Responder("1", "Summer", "Away.", Optional.empty(), Optional.empty(), Optional.empty(),
                Set.of(DayOfWeek.SATURDAY), Optional.of("jps@example.com"), List.of());
        assertEquals(new Address("Anna", "example.com", Address.Type.NO_REPLY, true, List.of("jps"),
                Optional.of(new Address.Redirect(List.of("carl@remote.example"), true)),
                Optional.of("copy@remote.example"), List.of("@friends.example"), List.of("spam@remote.example"), true,
                false, ZoneId.of("Europe/Paris"), List.of(summer), Optional.of("1"), Instant.parse("2026-01-01T00:00:00Z"), 3,
                Optional.empty()),
                address);
        assertEquals(Optional.of(summer), address.activeResponder());
        assertEquals("anna@example.com", address.mailbox().key());
        assertFalse(address.toString().contains("argon2id"), "the password hash stays in the directory");
    }

    @Test
    void unsetFieldsAreAbsentAndTheZoneIsUtc() {
        Address address = AddressRecords.address(AddressRecord.newBuilder().setLocalPart("bob")
                .setDomain("example.com").build());
        assertEquals(Address.Type.MAILBOX, address.type());
        assertEquals(Optional.empty(), address.redirect());
        assertEquals(Optional.empty(), address.backupCopy());
        assertEquals(Optional.empty(), address.activeResponder());
        assertEquals(ZoneId.of("UTC"), address.timeZone());
        assertTrue(address.spamFilter(), "the spam filter is on unless turned off");
    }

    /** A zone the running JVM's time-zone data no longer has reads responder dates in UTC, not fails. */
    @Test
    void aZoneNoLongerKnownIsUtc() {
        Address address = AddressRecords.address(STORED.toBuilder().setTimeZone("Mars/Olympus").build());
        assertEquals(ZoneId.of("UTC"), address.timeZone());
    }

    @Test
    void eachTypeIsStoredAsItsRecordType() {
        for (Address.Type type : Address.Type.values()) {
            AddressRecord stored = STORED.toBuilder().setType(AddressRecords.toRecord(type)).build();
            assertEquals(type, AddressRecords.address(stored).type());
        }
    }
}
