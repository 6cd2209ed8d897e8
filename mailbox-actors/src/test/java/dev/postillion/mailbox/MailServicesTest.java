package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryAnswers.assertFails;
import static dev.postillion.mailbox.DirectoryAnswers.join;
import static dev.postillion.mailbox.MailServices.Change.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.MutableClock;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.TestStores;
import dev.postillion.mailbox.DirectoryException.Kind;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.DomainRecord;
import dev.postillion.mailbox.proto.ImportWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail services and their quotas of addresses (SPEC section 1): counted as addresses are created
 * and deleted, singly and by CSV import, by two nodes racing for the last one, as domains move,
 * and for domains stored before services; a service's maintenance and sending-limit defaults.
 */
class MailServicesTest {

    private static final String PASSWORD = "secret-password";

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private Store store;
    private Directory directory;
    private MailServices services;

    @BeforeEach
    void open() {
        store = TestStores.open(dir, MailboxFamilies.ALL);
        directory = node();
        services = directory.services();
    }

    /** A node's directory over the one store. */
    private Directory node() {
        return new Directory(store, clock, new Directory.Settings(8, new PasswordHash.Cost(64, 1, 1), 50, 20, 50,
                Duration.ofHours(24), 1000));
    }

    @AfterEach
    void close() {
        directory.close();
        store.close();
    }

    @Test
    void aDomainCreatedWithoutAServiceHasOneOfItsOwnWithoutAQuotaCountingAddressesNotAliases() {
        Domain domain = join(directory.createDomain("Example.com"));
        assertEquals(Optional.of("example.com"), domain.service());
        create("example.com", "anna");
        join(directory.aliases().add(address("anna@example.com"), "annie"));
        join(directory.createAliasDomain("example.com", "example.net"));
        assertEquals(Optional.empty(), join(directory.domain("example.net")).orElseThrow().service());

        MailService service = join(services.get("EXAMPLE.com"));
        assertEquals(new MailService("example.com", clock.instant(), OptionalInt.empty(), 1, List.of("example.com"),
                false, Map.of()),
                service);
        assertEquals(List.of(service), join(services.list()));
    }

    @Test
    void anAddressBeyondTheQuotaIsRefusedNamingItUntilTheQuotaIsRaised() {
        join(services.create("Acme", OptionalInt.of(2)));
        join(directory.createDomain("acme.test", Optional.of("acme")));
        join(directory.createDomain("acme-mail.test", Optional.of("ACME")));
        create("acme.test", "anna");
        create("acme-mail.test", "bob");

        assertFails(Kind.CONFLICT, "service acme has reached its quota of 2 addresses; raise the quota to create more",
                directory.createAddress("acme-mail.test", "carl", PASSWORD, Address.Type.NO_REPLY));
        assertTrue(join(directory.address(address("carl@acme-mail.test"))).isEmpty());

        assertEquals(OptionalInt.of(3), join(services.update("acme", quota(OptionalInt.of(3)))).addressQuota());
        create("acme-mail.test", "carl");
        assertEquals(new MailService("acme", clock.instant(), OptionalInt.of(3), 3,
                List.of("acme-mail.test", "acme.test"), false, Map.of()), join(services.get("acme")));

        // Lowered below what it has: nothing goes, but nothing more is created until it has fewer.
        assertEquals(3, join(services.update("acme", quota(OptionalInt.of(1)))).addresses());
        join(directory.deleteAddress("acme.test", "anna"));
        assertEquals(2, join(services.get("acme")).addresses());
        assertFails(Kind.CONFLICT, "service acme has reached its quota of 1 addresses",
                directory.createAddress("acme.test", "anna", PASSWORD, Address.Type.MAILBOX));
        join(services.update("acme", quota(OptionalInt.empty())));
        create("acme.test", "anna");
    }

    @Test
    void aServiceInMaintenanceOrWithSendingLimitsAppliesToEachOfItsDomainsAndTheirAliasDomains() {
        join(services.create("acme", OptionalInt.empty()));
        join(directory.createDomain("acme.test", Optional.of("acme")));
        join(directory.createAliasDomain("acme.test", "acme.example"));
        join(directory.createDomain("other.test"));
        assertFalse(join(services.inMaintenance("acme.example")));

        MailService changed = join(services.update("acme", new MailServices.Change(Optional.empty(),
                Optional.of(true), Map.of("messagesPerHour", OptionalInt.of(10), "recipientsPerDay", OptionalInt.of(0)))));
        assertEquals(new MailService("acme", clock.instant(), OptionalInt.empty(), 0, List.of("acme.test"), true,
                Map.of("messagesPerHour", 10, "recipientsPerDay", 0)), changed);
        assertTrue(join(services.inMaintenance("acme.test")));
        assertTrue(join(services.inMaintenance("acme.example")), "an alias domain belongs to its primary's service");
        assertFalse(join(services.inMaintenance("other.test")));
        assertFalse(join(services.inMaintenance("unknown.test")));
        assertEquals(Map.of("messagesPerHour", 10, "recipientsPerDay", 0), join(services.sendingLimits("acme.example")));
        assertEquals(Map.of(), join(services.sendingLimits("other.test")));

        join(services.update("acme", new MailServices.Change(Optional.empty(), Optional.of(false),
                Map.of("messagesPerHour", OptionalInt.empty()))));
        assertFalse(join(services.inMaintenance("acme.test")));
        assertEquals(Map.of("recipientsPerDay", 0), join(services.sendingLimits("acme.test")));
        join(directory.setMaintenance("other.test", true));
        assertTrue(join(services.inMaintenance("other.test")), "a domain's own maintenance still counts");
        assertFails(Kind.INVALID, "sending limit messagesPerDay must be 0 (no limit) or more", services.update("acme",
                new MailServices.Change(Optional.empty(), Optional.empty(), Map.of("messagesPerDay", OptionalInt.of(-1)))));
    }

    @Test
    void anImportBeyondTheQuotaCreatesNothing() {
        join(services.create("acme", OptionalInt.of(3)));
        join(directory.createDomain("acme.test", Optional.of("acme")));
        create("acme.test", "anna");

        assertFails(Kind.CONFLICT, "service acme has 1 of its quota of 3 addresses: 3 more would exceed it;"
                + " raise the quota to create more", directory.imports().run("acme.test",
                        List.of(line(2, "bob"), line(3, "carl"), line(4, "dora"))));
        assertEquals(List.of("anna"), localParts("acme.test"));
        assertEquals(1, join(services.get("acme")).addresses());

        AddressImport.Result result = join(directory.imports().run("acme.test", List.of(line(2, "bob"),
                line(3, "anna"), line(4, "carl"))));
        assertEquals(List.of(true, false, true), result.lines().stream().map(AddressImport.Outcome::created).toList());
        assertEquals(3, join(services.get("acme")).addresses());
    }

    @Test
    void theImportLimitCountsPerServiceOverAllItsDomains() {
        join(services.create("acme", OptionalInt.empty()));
        join(directory.createDomain("acme.test", Optional.of("acme")));
        join(directory.createDomain("acme-mail.test", Optional.of("acme")));
        join(directory.createDomain("other.test"));
        assertEquals(20, join(directory.imports().run("acme.test", lines("a", 30))).remaining());

        AddressImport.Result refused = join(directory.imports().run("acme-mail.test", lines("b", 30)));
        assertTrue(refused.limited());
        assertEquals(20, refused.remaining());
        assertEquals(List.of(), localParts("acme-mail.test"));
        assertFalse(join(directory.imports().run("other.test", lines("c", 30))).limited(), "another service");
    }

    @Test
    void creationsThroughTwoNodesRacingForTheLastAddressesCreateExactlyTheQuota() {
        join(services.create("acme", OptionalInt.of(5)));
        join(directory.createDomain("acme.test", Optional.of("acme")));
        try (Directory other = node()) {
            List<CompletableFuture<Address>> creations = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                Directory through = i % 2 == 0 ? directory : other;
                creations.add(through.createAddress("acme.test", "user" + i, PASSWORD, Address.Type.MAILBOX)
                        .toCompletableFuture());
            }
            long created = creations.stream().filter(creation -> {
                try {
                    creation.join();
                    return true;
                } catch (CompletionException e) {
                    DirectoryException refused = assertInstanceOf(DirectoryException.class, e.getCause());
                    assertEquals(Kind.CONFLICT, refused.kind(), refused.getMessage());
                    return false;
                }
            }).count();
            assertEquals(5, created);
        }
        assertEquals(5, localParts("acme.test").size());
        assertEquals(5, join(services.get("acme")).addresses());
    }

    @Test
    void aMovedDomainTakesItsAddressesAlongIfTheOtherQuotaHasRoom() {
        join(directory.createDomain("acme.test"));
        create("acme.test", "anna");
        create("acme.test", "bob");
        join(services.create("small", OptionalInt.of(1)));
        join(services.create("big", OptionalInt.of(10)));

        assertFails(Kind.CONFLICT, "service small has 0 of its quota of 1 addresses: 2 more would exceed it",
                services.move("acme.test", "small"));
        assertFails(Kind.INVALID, "no service nope; create it first", services.move("acme.test", "nope"));
        assertFails(Kind.INVALID, "no service nope; create it first",
                directory.createDomain("new.test", Optional.of("nope")));
        assertEquals(Optional.of("big"), join(services.move("acme.test", "big")).service());

        assertEquals(new MailService("big", clock.instant(), OptionalInt.of(10), 2, List.of("acme.test"), false, Map.of()),
                join(services.get("big")));
        assertEquals(new MailService("acme.test", clock.instant(), OptionalInt.empty(), 0, List.of(), false, Map.of()),
                join(services.get("acme.test")));
        join(directory.deleteAddress("acme.test", "anna"));
        assertEquals(1, join(services.get("big")).addresses());
    }

    @Test
    void aServiceOwningDomainsIsNotDeleted() {
        join(services.create("acme", OptionalInt.of(10)));
        join(directory.createDomain("acme.test", Optional.of("acme")));
        assertFails(Kind.CONFLICT, "service acme still owns 1 domain(s): acme.test; delete them or move them to"
                + " another service first", services.delete("acme"));
        join(directory.deleteDomain("acme.test"));
        join(services.delete("acme"));
        assertFails(Kind.NOT_FOUND, "no service acme", services.get("acme"));
        assertFails(Kind.NOT_FOUND, "no service acme", services.delete("acme"));
    }

    @Test
    void aServiceNameAndQuotaFollowTheRules() {
        join(services.create("acme", OptionalInt.of(1)));
        assertFails(Kind.CONFLICT, "service acme exists already", services.create("ACME", OptionalInt.empty()));
        assertFails(Kind.INVALID, "service name 'ac me' contains ' ': only letters A-Z, digits, '-', '_' and '.' are"
                + " allowed", services.create("ac me", OptionalInt.empty()));
        assertFails(Kind.INVALID, "service name is empty", services.create("", OptionalInt.empty()));
        assertFails(Kind.INVALID, "addressQuota must not be negative", services.create("b", OptionalInt.of(-1)));
        assertFails(Kind.INVALID, "addressQuota must not be negative", services.update("acme", quota(OptionalInt.of(-1))));
    }

    // --- domains stored before services ---

    @Test
    void domainsStoredBeforeServicesEachBecomeAServiceOfTheirOwnOnceWhenNodesStartTogether() {
        legacyDomain("example.com", "anna", "bob");
        legacyDomain("example.org", "carl");
        join(store.commit(new StoreBatch().put(MailboxFamilies.DIRECTORY, DirectoryStore.importKey("example.com"),
                ImportWindow.newBuilder().addCreatedEpochMillis(clock.millis()).build().toByteArray()),
                Durability.SYNC));

        try (Directory other = node()) {
            CompletableFuture<Integer> one = services.adoptDomains().toCompletableFuture();
            CompletableFuture<Integer> two = other.services().adoptDomains().toCompletableFuture();
            assertEquals(2, one.join() + two.join(), "each domain adopted once");
        }
        assertEquals(0, join(services.adoptDomains()));
        assertEquals(List.of(
                new MailService("example.com", clock.instant(), OptionalInt.empty(), 2, List.of("example.com"), false, Map.of()),
                new MailService("example.org", clock.instant(), OptionalInt.empty(), 1, List.of("example.org"), false, Map.of())),
                join(services.list()));
        assertEquals(Optional.of("example.com"), join(directory.domain("example.com")).orElseThrow().service());
        assertEquals(48, join(directory.imports().run("example.com", List.of(line(2, "dora")))).remaining(),
                "the domain's import window is its service's");

        join(directory.deleteAddress("example.org", "carl"));
        join(directory.deleteDomain("example.org"));
        join(services.delete("example.org")); // its domain counted once, though two nodes adopted
    }

    @Test
    void aDomainStoredBeforeServicesIsAdoptedByTheFirstChangeThatMeetsIt() {
        legacyDomain("example.com", "anna");
        assertEquals(Optional.of("example.com"), join(directory.domain("example.com")).orElseThrow().service());
        create("example.com", "bob");
        assertEquals(new MailService("example.com", clock.instant(), OptionalInt.empty(), 2, List.of("example.com"), false, Map.of()),
                join(services.get("example.com")));
        assertEquals(0, join(services.adoptDomains()));
    }

    /** A domain and its addresses as stored before services: no service named, none counted. */
    private void legacyDomain(String domain, String... localParts) {
        StoreBatch batch = new StoreBatch().put(MailboxFamilies.DIRECTORY, DirectoryStore.domainKey(domain),
                DomainRecord.newBuilder().setName(domain).setCreatedEpochMillis(clock.millis()).build().toByteArray());
        for (String localPart : localParts) {
            batch.put(MailboxFamilies.DIRECTORY, DirectoryStore.addressKey(domain, localPart), AddressRecord.newBuilder()
                    .setDomain(domain).setLocalPart(localPart).setCreatedEpochMillis(clock.millis()).build()
                    .toByteArray());
        }
        join(store.commit(batch, Durability.SYNC));
    }

    private void create(String domain, String localPart) {
        join(directory.createAddress(domain, localPart, PASSWORD, Address.Type.MAILBOX));
    }

    private static List<AddressImport.Line> lines(String prefix, int count) {
        List<AddressImport.Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(line(i + 2, prefix + i));
        }
        return lines;
    }

    private static AddressImport.Line line(int number, String localPart) {
        return new AddressImport.Line(number, localPart, "Tr4vel-light", List.of(), true);
    }

    private List<String> localParts(String domain) {
        return join(directory.addresses(domain)).stream().map(Address::localPart).toList();
    }

    private static EmailAddress address(String text) {
        return EmailAddress.parse(text, false);
    }
}
