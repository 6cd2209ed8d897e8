package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.MutableClock;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.core.proto.AddressRecord;
import dev.postillion.core.proto.AddressType;
import dev.postillion.core.proto.DomainRecord;
import dev.postillion.mailbox.Directory.Lookup;
import dev.postillion.mailbox.DirectoryException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryTest {

    private static final String PASSWORD = "secret-password";

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private Store store;
    private Directory directory;

    @BeforeEach
    void open() {
        store = TestStores.open(dir);
        directory = new Directory(store, clock, new Directory.Settings(8, 1000, 50, 20, 50, Duration.ofHours(24)));
    }

    @AfterEach
    void close() {
        directory.close();
        store.close();
    }

    @Test
    void createdDomainsAreListedLowerCased() {
        DomainRecord created = join(directory.createDomain("Example.COM"));
        join(directory.createDomain("example.net"));
        assertEquals("example.com", created.getName());
        assertEquals(clock.millis(), created.getCreatedEpochMillis());
        assertEquals(List.of("example.com", "example.net"), domainNames());
        assertTrue(directory.hosts("EXAMPLE.com"));
    }

    @Test
    void duplicateDomainIsAConflict() {
        join(directory.createDomain("example.com"));
        assertFails(Kind.CONFLICT, "exists already", directory.createDomain("EXAMPLE.com"));
    }

    @Test
    void invalidDomainNameIsRefused() {
        assertFails(Kind.INVALID, "localhost", directory.createDomain("localhost"));
    }

    @Test
    void deletedDomainIsGone() {
        join(directory.createDomain("example.com"));
        join(directory.deleteDomain("Example.com"));
        assertEquals(List.of(), domainNames());
        assertEquals(Lookup.NOT_HOSTED, directory.lookup(address("anna@example.com")));
    }

    @Test
    void deletingAnUnknownDomainIsNotFound() {
        assertFails(Kind.NOT_FOUND, "no domain example.org", directory.deleteDomain("example.org"));
    }

    @Test
    void deletingADomainWithAddressesIsAConflict() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, AddressType.MAILBOX));
        assertFails(Kind.CONFLICT, "still has addresses", directory.deleteDomain("example.com"));
        assertTrue(directory.hosts("example.com"));
    }

    @Test
    void createdAddressesAreListedWithTheirSpelling() {
        join(directory.createDomain("example.com"));
        AddressRecord anna = join(directory.createAddress("EXAMPLE.com", "Anna.Alpha", PASSWORD, AddressType.MAILBOX));
        join(directory.createAddress("example.com", "bob", PASSWORD, AddressType.MAILBOX));
        assertEquals("Anna.Alpha", anna.getLocalPart());
        assertEquals("example.com", anna.getDomain());
        assertEquals(List.of("Anna.Alpha", "bob"), localParts("example.com"));
    }

    @Test
    void passwordIsStoredOnlyAsASaltedHash() {
        join(directory.createDomain("example.com"));
        AddressRecord anna = join(directory.createAddress("example.com", "anna", PASSWORD, AddressType.MAILBOX));
        AddressRecord bob = join(directory.createAddress("example.com", "bob", PASSWORD, AddressType.MAILBOX));
        assertEquals(32, anna.getPasswordHash().size());
        assertEquals(1000, anna.getPasswordIterations());
        assertFalse(anna.getPasswordHash().equals(bob.getPasswordHash()), "same password, different salt");
        assertFalse(anna.toByteString().toStringUtf8().contains(PASSWORD));
    }

    @Test
    void addressesOfOtherDomainsAreNotListed() {
        join(directory.createDomain("example.com"));
        join(directory.createDomain("example.co"));
        join(directory.createAddress("example.com", "anna", PASSWORD, AddressType.MAILBOX));
        assertEquals(List.of(), localParts("example.co"));
    }

    @Test
    void duplicateAddressIsAConflictWhateverTheCase() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, AddressType.MAILBOX));
        assertFails(Kind.CONFLICT, "exists already", directory.createAddress("example.com", "ANNA", PASSWORD, AddressType.MAILBOX));
    }

    @Test
    void addressInAnUnknownDomainIsNotFound() {
        assertFails(Kind.NOT_FOUND, "no domain example.org", directory.createAddress("example.org", "anna", PASSWORD, AddressType.MAILBOX));
        DirectoryException listing = assertThrows(DirectoryException.class, () -> directory.addresses("example.org"));
        assertEquals(Kind.NOT_FOUND, listing.kind());
    }

    @Test
    void invalidLocalPartIsRefused() {
        join(directory.createDomain("example.com"));
        assertFails(Kind.INVALID, "two dots", directory.createAddress("example.com", "anna..alpha", PASSWORD, AddressType.MAILBOX));
        assertFails(Kind.INVALID, "' ' (space)", directory.createAddress("example.com", "a b", PASSWORD, AddressType.MAILBOX));
        assertEquals(List.of(), localParts("example.com"));
    }

    @Test
    void shortPasswordIsRefused() {
        join(directory.createDomain("example.com"));
        assertFails(Kind.INVALID, "at least 8 characters", directory.createAddress("example.com", "anna", "short", AddressType.MAILBOX));
    }

    @Test
    void deletedAddressIsGoneAndNamedCanonically() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "Anna", PASSWORD, AddressType.MAILBOX));
        EmailAddress deleted = join(directory.deleteAddress("Example.com", "ANNA"));
        assertEquals("anna@example.com", deleted.key());
        assertEquals(List.of(), localParts("example.com"));
        assertEquals(Lookup.UNKNOWN_ADDRESS, directory.lookup(address("anna@example.com")));
    }

    @Test
    void deletingAnUnknownAddressIsNotFound() {
        join(directory.createDomain("example.com"));
        assertFails(Kind.NOT_FOUND, "no address anna@example.com", directory.deleteAddress("example.com", "anna"));
        assertFails(Kind.NOT_FOUND, "no domain example.org", directory.deleteAddress("example.org", "anna"));
    }

    @Test
    void lookupTellsMailboxUnknownAddressAndNotHosted() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, AddressType.MAILBOX));
        assertEquals(Lookup.MAILBOX, directory.lookup(address("anna@example.com")));
        assertEquals(Lookup.UNKNOWN_ADDRESS, directory.lookup(address("bob@example.com")));
        assertEquals(Lookup.NOT_HOSTED, directory.lookup(address("anna@example.org")));
    }

    @Test
    void lookupIsCaseInsensitive() {
        join(directory.createDomain("Example.com"));
        join(directory.createAddress("example.com", "Anna.Alpha", PASSWORD, AddressType.MAILBOX));
        assertEquals(Lookup.MAILBOX, directory.lookup(address("ANNA.alpha@EXAMPLE.COM")));
    }

    @Test
    void directorySurvivesRestart() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, AddressType.MAILBOX));
        close();
        open();
        assertEquals(Lookup.MAILBOX, directory.lookup(address("anna@example.com")));
    }

    private List<String> domainNames() {
        return directory.domains().stream().map(DomainRecord::getName).toList();
    }

    private List<String> localParts(String domain) {
        return directory.addresses(domain).stream().map(AddressRecord::getLocalPart).toList();
    }

    private static EmailAddress address(String text) {
        return EmailAddress.parse(text, false);
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static void assertFails(Kind kind, String message, CompletionStage<?> stage) {
        CompletionException failure = assertThrows(CompletionException.class, () -> join(stage));
        DirectoryException error = assertInstanceOf(DirectoryException.class, failure.getCause());
        assertEquals(kind, error.kind());
        assertTrue(error.getMessage().contains(message), () -> "'" + error.getMessage() + "' should say " + message);
    }
}
