package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryAnswers.assertFails;
import static dev.postillion.mailbox.DirectoryAnswers.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.MutableClock;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.queue.SpoolFamilies;
import dev.postillion.mailbox.responder.Responder;
import dev.postillion.mailbox.Directory.Lookup;
import dev.postillion.mailbox.DirectoryException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Optional;
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
        store = TestStores.open(dir, MailboxFamilies.ALL, SpoolFamilies.ALL);
        directory = new Directory(store, clock, new Directory.Settings(8, new PasswordHash.Cost(64, 1, 1), 50, 20, 50, Duration.ofHours(24), 1000));
    }

    @AfterEach
    void close() {
        directory.close();
        store.close();
    }

    @Test
    void createdDomainsAreListedLowerCased() {
        Domain created = join(directory.createDomain("Example.COM"));
        join(directory.createDomain("example.net"));
        assertEquals("example.com", created.name());
        assertEquals(clock.millis(), created.created().toEpochMilli());
        assertEquals(List.of("example.com", "example.net"), domainNames());
        assertTrue(join(directory.hosts("EXAMPLE.com")));
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
        assertEquals(Lookup.NOT_HOSTED, lookup(address("anna@example.com")));
    }

    @Test
    void deletingAnUnknownDomainIsNotFound() {
        assertFails(Kind.NOT_FOUND, "no domain example.org", directory.deleteDomain("example.org"));
    }

    @Test
    void deletingADomainWithAddressesIsAConflict() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        assertFails(Kind.CONFLICT, "still has addresses", directory.deleteDomain("example.com"));
        assertTrue(join(directory.hosts("example.com")));
    }

    @Test
    void createdAddressesAreListedWithTheirSpelling() {
        join(directory.createDomain("example.com"));
        Address anna = join(directory.createAddress("EXAMPLE.com", "Anna.Alpha", PASSWORD, Address.Type.MAILBOX));
        join(directory.createAddress("example.com", "bob", PASSWORD, Address.Type.MAILBOX));
        assertEquals("Anna.Alpha", anna.localPart());
        assertEquals("example.com", anna.domain());
        assertEquals(List.of("Anna.Alpha", "bob"), localParts("example.com"));
    }

    @Test
    void passwordIsStoredOnlyAsASaltedHash() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        join(directory.createAddress("example.com", "bob", PASSWORD, Address.Type.MAILBOX));
        AddressRecord anna = stored("anna");
        AddressRecord bob = stored("bob");
        assertTrue(anna.getPasswordHash().startsWith("$argon2id$v=19$m=64,t=1,p=1$"), anna.getPasswordHash());
        assertFalse(anna.getPasswordHash().equals(bob.getPasswordHash()), "same password, different salt");
        assertFalse(anna.toByteString().toStringUtf8().contains(PASSWORD));
    }

    @Test
    void authenticatesTheAddressWithItsPasswordOnly() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "Anna", PASSWORD, Address.Type.MAILBOX));
        join(directory.aliases().add(address("anna@example.com"), "jps"));
        Login login = join(directory.authenticate("anna@example.com", PASSWORD)).orElseThrow();
        assertEquals("Anna", login.address().localPart());
        assertEquals(Credential.password(clock.millis()), login.credential());
        assertTrue(join(directory.authenticate("ANNA@example.com", PASSWORD + "x")).isEmpty());
        assertTrue(join(directory.authenticate("nobody@example.com", PASSWORD)).isEmpty());
        assertTrue(join(directory.authenticate("no address at all", PASSWORD)).isEmpty());
        // An alias is another name to receive mail at, not another login.
        assertTrue(join(directory.authenticate("jps@example.com", PASSWORD)).isEmpty());
        join(directory.setDisabled(address("anna@example.com"), true));
        assertTrue(join(directory.authenticate("anna@example.com", PASSWORD)).orElseThrow().address().disabled(),
                "the caller refuses it, saying why: the password was right");
        assertTrue(join(directory.authenticate("anna@example.com", PASSWORD + "x")).isEmpty());
    }

    @Test
    void aChangedPasswordReplacesTheOldOneCountsItsVersionAndIsAnnounced() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "Anna", PASSWORD, Address.Type.MAILBOX));
        List<CredentialChange> announced = new CopyOnWriteArrayList<>();
        directory.onCredentialChanged(announced::add);
        directory.onCredentialChanged(changed -> {
            throw new IllegalStateException("a listener that fails");
        });
        long created = clock.millis();
        assertEquals(created, join(directory.authenticate("anna@example.com", PASSWORD)).orElseThrow().address()
                .passwordVersion(),
                "a new address's version is its creation time");

        Address changed = join(directory.changePassword(address("anna@example.com"), "Another-Secret-9"));

        assertEquals(created + 1, changed.passwordVersion(), "a change in the same millisecond still counts");
        assertEquals(List.of(new CredentialChange(address("anna@example.com"), Credential.password(created + 1))),
                announced);
        assertTrue(join(directory.authenticate("anna@example.com", PASSWORD)).isEmpty(), "the old password");
        assertEquals(created + 1, join(directory.authenticate("anna@example.com", "Another-Secret-9")).orElseThrow()
                .credential().version());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(clock.millis(), join(directory.changePassword(address("anna@example.com"), PASSWORD))
                .passwordVersion(), "later, the time of the change");
        assertFails(Kind.INVALID, "at least 8 characters", directory.changePassword(address("anna@example.com"), "short"));
        assertFails(Kind.NOT_FOUND, "bob@example.com", directory.changePassword(address("bob@example.com"), PASSWORD));
        assertEquals(2, announced.size(), "refused changes are not announced");
        assertTrue(join(directory.authenticate("anna@example.com", PASSWORD)).isPresent(), "still the last one");
    }

    @Test
    void addressesOfOtherDomainsAreNotListed() {
        join(directory.createDomain("example.com"));
        join(directory.createDomain("example.co"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        assertEquals(List.of(), localParts("example.co"));
    }

    @Test
    void duplicateAddressIsAConflictWhateverTheCase() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        assertFails(Kind.CONFLICT, "exists already",
                directory.createAddress("example.com", "ANNA", PASSWORD, Address.Type.MAILBOX));
    }

    @Test
    void addressInAnUnknownDomainIsNotFound() {
        assertFails(Kind.NOT_FOUND, "no domain example.org",
                directory.createAddress("example.org", "anna", PASSWORD, Address.Type.MAILBOX));
        assertFails(Kind.NOT_FOUND, "no domain example.org", directory.addresses("example.org"));
    }

    @Test
    void invalidLocalPartIsRefused() {
        join(directory.createDomain("example.com"));
        assertFails(Kind.INVALID, "two dots",
                directory.createAddress("example.com", "anna..alpha", PASSWORD, Address.Type.MAILBOX));
        assertFails(Kind.INVALID, "' ' (space)",
                directory.createAddress("example.com", "a b", PASSWORD, Address.Type.MAILBOX));
        assertEquals(List.of(), localParts("example.com"));
    }

    @Test
    void shortPasswordIsRefused() {
        join(directory.createDomain("example.com"));
        assertFails(Kind.INVALID, "at least 8 characters",
                directory.createAddress("example.com", "anna", "short", Address.Type.MAILBOX));
    }

    @Test
    void deletedAddressIsGoneAndNamedCanonically() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "Anna", PASSWORD, Address.Type.MAILBOX));
        EmailAddress deleted = join(directory.deleteAddress("Example.com", "ANNA"));
        assertEquals("anna@example.com", deleted.key());
        assertEquals(List.of(), localParts("example.com"));
        assertEquals(Lookup.UNKNOWN_ADDRESS, lookup(address("anna@example.com")));
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
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        assertEquals(Lookup.MAILBOX, lookup(address("anna@example.com")));
        assertEquals(Lookup.UNKNOWN_ADDRESS, lookup(address("bob@example.com")));
        assertEquals(Lookup.NOT_HOSTED, lookup(address("anna@example.org")));
    }

    @Test
    void lookupIsCaseInsensitive() {
        join(directory.createDomain("Example.com"));
        join(directory.createAddress("example.com", "Anna.Alpha", PASSWORD, Address.Type.MAILBOX));
        assertEquals(Lookup.MAILBOX, lookup(address("ANNA.alpha@EXAMPLE.COM")));
    }

    @Test
    void directorySurvivesRestart() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        close();
        open();
        assertEquals(Lookup.MAILBOX, lookup(address("anna@example.com")));
    }

    // --- aliases, alias domains, catch-all (SPEC sections 1 and 2) ---

    @Test
    void aliasResolvesToItsAddressAndListsWithIt() {
        anna();
        Address withAlias = join(directory.aliases().add(address("anna@example.com"), "Jps"));
        assertEquals(List.of("Jps"), withAlias.aliases());
        Directory.Resolution resolution = join(directory.resolve(address("JPS@example.com")));
        assertEquals(Lookup.MAILBOX, resolution.lookup());
        assertEquals("anna@example.com", resolution.mailbox().key());
    }

    @Test
    void aliasMayNotShadowAnAddressNorAnAddressAnAlias() {
        anna();
        join(directory.createAddress("example.com", "bob", PASSWORD, Address.Type.MAILBOX));
        assertFails(Kind.CONFLICT, "bob@example.com exists already",
                directory.aliases().add(address("anna@example.com"), "BOB"));
        join(directory.aliases().add(address("anna@example.com"), "jps"));
        assertFails(Kind.CONFLICT, "jps@example.com is an alias of anna@example.com",
                directory.createAddress("example.com", "jps", PASSWORD, Address.Type.MAILBOX));
    }

    @Test
    void anAddressHasAtMostTheConfiguredNumberOfAliases() {
        anna();
        for (int i = 0; i < 50; i++) {
            join(directory.aliases().add(address("anna@example.com"), "alias" + i));
        }
        assertFails(Kind.INVALID, "50 aliases", directory.aliases().add(address("anna@example.com"), "one-more"));
    }

    @Test
    void removedAliasNoLongerResolves() {
        anna();
        join(directory.aliases().add(address("anna@example.com"), "jps"));
        join(directory.aliases().remove(address("anna@example.com"), "JPS"));
        assertEquals(Lookup.UNKNOWN_ADDRESS, lookup(address("jps@example.com")));
        assertFails(Kind.NOT_FOUND, "not an alias", directory.aliases().remove(address("anna@example.com"), "jps"));
    }

    @Test
    void deletingAnAddressRemovesItsAliasesAndItsCatchAll() {
        anna();
        join(directory.aliases().add(address("anna@example.com"), "jps"));
        join(directory.setCatchAll("example.com", "anna"));
        join(directory.deleteAddress("example.com", "anna"));
        assertEquals(Lookup.UNKNOWN_ADDRESS, lookup(address("jps@example.com")));
        assertEquals(Optional.empty(), join(directory.domain("example.com")).orElseThrow().catchAll());
    }

    @Test
    void aliasDomainMirrorsItsPrimary() {
        anna();
        join(directory.createAliasDomain("example.com", "Example.net"));
        assertEquals("anna@example.com", join(directory.resolve(address("anna@example.net"))).mailbox().key());
        assertEquals(Lookup.UNKNOWN_ADDRESS, lookup(address("bob@example.net")));
        assertEquals(List.of("example.net"), join(directory.aliasDomains("example.com")).stream()
                .map(Domain::name).toList());
        assertTrue(join(directory.ownAddresses(join(directory.address(address("anna@example.com"))).orElseThrow()))
                .contains("anna@example.net"));
    }

    @Test
    void aliasDomainRulesAreEnforced() {
        anna();
        join(directory.createAliasDomain("example.com", "example.net"));
        assertFails(Kind.INVALID, "alias domain of example.com",
                directory.createAddress("example.net", "bob", PASSWORD, Address.Type.MAILBOX));
        assertFails(Kind.INVALID, "alias domain", directory.createAliasDomain("example.net", "example.org"));
        assertFails(Kind.CONFLICT, "still has alias domains", directory.deleteDomain("example.com"));
        join(directory.deleteAliasDomain("example.com", "example.net"));
        assertEquals(Lookup.NOT_HOSTED, lookup(address("anna@example.net")));
    }

    @Test
    void catchAllReceivesUnknownLocalPartsOnly() {
        anna();
        join(directory.createAddress("example.com", "bob", PASSWORD, Address.Type.MAILBOX));
        join(directory.setCatchAll("example.com", "anna"));
        assertEquals("anna@example.com", join(directory.resolve(address("nobody@example.com"))).mailbox().key());
        assertEquals("bob@example.com", join(directory.resolve(address("bob@example.com"))).mailbox().key());
        join(directory.setCatchAll("example.com", null));
        assertEquals(Lookup.UNKNOWN_ADDRESS, lookup(address("nobody@example.com")));
    }

    /**
     * RFC 5233 with a separator operators' local parts may hold: an address of the exact name goes
     * first, else the user before the first separator owns the mail.
     */
    @Test
    void aSubaddressBelongsToItsUserUnlessAnAddressHasItsExactName() {
        try (Directory dashed = new Directory(store, clock, new Directory.Settings(8, new PasswordHash.Cost(64, 1, 1),
                50, 20, 50, Duration.ofHours(24), 1000, "-", 20, Directory.Settings.SIEVE_LIMITS,
                new PasswordHash.Cost(64, 1, 1)))) {
            join(dashed.createDomain("example.com"));
            join(dashed.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
            join(dashed.createAddress("example.com", "anna-news", PASSWORD, Address.Type.MAILBOX));
            assertEquals("anna-news@example.com",
                    join(dashed.resolve(address("Anna-News@example.com"))).mailbox().key());
            assertEquals("anna@example.com", join(dashed.resolve(address("anna-shop-1@example.com"))).mailbox().key());
            assertEquals(Lookup.UNKNOWN_ADDRESS, join(dashed.resolve(address("anna+shop@example.com"))).lookup());
            assertEquals(Optional.of(address("anna@example.com")), dashed.withoutDetail(address("anna-@example.com")));
            assertEquals(Optional.empty(), dashed.withoutDetail(address("-anna@example.com")));
        }
    }

    @Test
    void catchAllMustBeAnAddressThatReceives() {
        join(directory.createDomain("example.com"));
        assertFails(Kind.INVALID, "not an address", directory.setCatchAll("example.com", "nobody"));
        join(directory.createAddress("example.com", "no-reply", PASSWORD, Address.Type.NO_REPLY));
        assertFails(Kind.INVALID, "no-reply address", directory.setCatchAll("example.com", "no-reply"));
    }

    @Test
    void noReplyAndDisabledAddressesResolveAsSuch() {
        anna();
        join(directory.createAddress("example.com", "no-reply", PASSWORD, Address.Type.NO_REPLY));
        assertEquals(Lookup.NO_REPLY, lookup(address("no-reply@example.com")));
        join(directory.setDisabled(address("anna@example.com"), true));
        assertEquals(Lookup.DISABLED, lookup(address("anna@example.com")));
        join(directory.setDisabled(address("anna@example.com"), false));
        assertEquals(Lookup.MAILBOX, lookup(address("anna@example.com")));
    }

    @Test
    void timeZoneMustBeAZoneId() {
        anna();
        assertEquals("Europe/Paris",
                join(directory.setTimeZone(address("anna@example.com"), "Europe/Paris")).timeZone().getId());
        assertFails(Kind.INVALID, "Mars/Olympus", directory.setTimeZone(address("anna@example.com"), "Mars/Olympus"));
    }

    // --- redirects, backup copies, lists, responders ---

    @Test
    void redirectTargetsAreCheckedAndCanonical() {
        anna();
        Address redirected = join(directory.delivery().setRedirect(address("anna@example.com"),
                List.of("Carl@Remote.Example", "carl@remote.example"), true));
        assertEquals(Optional.of(new Address.Redirect(List.of("carl@remote.example"), true)), redirected.redirect());
        assertFails(Kind.INVALID, "is the address itself",
                directory.delivery().setRedirect(address("anna@example.com"), List.of("ANNA@example.com"), false));
        assertFails(Kind.INVALID, "not an address that receives mail here",
                directory.delivery().setRedirect(address("anna@example.com"), List.of("nobody@example.com"), false));
        assertFails(Kind.INVALID, "is not an address",
                directory.delivery().setRedirect(address("anna@example.com"), List.of("not an address"), false));
        assertFails(Kind.INVALID, "at least one target",
                directory.delivery().setRedirect(address("anna@example.com"), List.of(), false));
        join(directory.delivery().removeRedirect(address("anna@example.com")));
        assertFails(Kind.NOT_FOUND, "has no redirect", directory.delivery().removeRedirect(address("anna@example.com")));
    }

    @Test
    void ownAddressOnTheAllowListIsWarnedAbout() {
        anna();
        join(directory.aliases().add(address("anna@example.com"), "jps"));
        List<String> warnings = join(directory.delivery().setLists(address("anna@example.com"),
                List.of("JPS@example.com", "@friends.example"), List.of("@Spam.Example"), true));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("jps@example.com"), warnings.get(0));
        Address record = join(directory.address(address("anna@example.com"))).orElseThrow();
        assertEquals(List.of("@spam.example"), record.block());
        assertEquals(SenderLists.Verdict.BLOCKED, SenderLists.verdict(record, "x@SPAM.example"));
        assertEquals(SenderLists.Verdict.ALLOWED, SenderLists.verdict(record, "bob@friends.example"));
        assertEquals(SenderLists.Verdict.NOT_LISTED, SenderLists.verdict(record, ""));
        assertFails(Kind.INVALID, "block list entry '@'",
                directory.delivery().setLists(address("anna@example.com"), List.of(), List.of("@"), false));
    }

    @Test
    void activatingAResponderDeactivatesTheOther() {
        anna();
        Responder first = join(directory.responders().add(address("anna@example.com"), responder("Summer")));
        Responder second = join(directory.responders().add(address("anna@example.com"), responder("Winter")));
        assertEquals(List.of("1", "2"), List.of(first.id(), second.id()));
        join(directory.responders().activate(address("anna@example.com"), "1"));
        Address record = join(directory.responders().activate(address("anna@example.com"), "2"));
        assertEquals("Winter", record.activeResponder().orElseThrow().name());
        join(directory.responders().remove(address("anna@example.com"), "2"));
        assertEquals(Optional.empty(),
                join(directory.address(address("anna@example.com"))).orElseThrow().activeResponder());
    }

    @Test
    void responderWeekdaysAreStoredInCanonicalForm() {
        anna();
        join(directory.responders().add(address("anna@example.com"),
                responder("Weekends", Optional.empty(), List.of("sunday", "Saturday"), Optional.empty())));
        assertEquals(List.of("SATURDAY", "SUNDAY"), stored("anna").getResponders(0).getWeekdaysList());
    }

    @Test
    void removingTheAliasAResponderAnswersFromMakesItAnswerFromTheAddress() {
        anna();
        join(directory.aliases().add(address("anna@example.com"), "jps"));
        join(directory.responders().add(address("anna@example.com"),
                responder("Summer", Optional.empty(), List.of(), Optional.of("jps@example.com"))));
        Address changed = join(directory.aliases().remove(address("anna@example.com"), "jps"));
        assertEquals(Optional.empty(), changed.responders().get(0).from());
    }

    @Test
    void redirectThroughTheCatchAllBackToTheAddressIsRefused() {
        anna();
        join(directory.setCatchAll("example.com", "anna"));
        assertFails(Kind.INVALID, "leads back to the address itself",
                directory.delivery().setRedirect(address("anna@example.com"), List.of("nobody@example.com"), false));
    }

    @Test
    void responderSettingsAreChecked() {
        anna();
        assertFails(Kind.INVALID, "start", directory.responders().add(address("anna@example.com"),
                responder("Summer", Optional.of("2026-13-01"), List.of(), Optional.empty())));
        assertFails(Kind.INVALID, "weekday 'FUNDAY'", directory.responders().add(address("anna@example.com"),
                responder("Summer", Optional.empty(), List.of("FUNDAY"), Optional.empty())));
        assertFails(Kind.INVALID, "neither the address nor one of its aliases", directory.responders().add(
                address("anna@example.com"), responder("Summer", Optional.empty(), List.of(),
                        Optional.of("boss@example.com"))));
        assertFails(Kind.NOT_FOUND, "no responder 7", directory.responders().activate(address("anna@example.com"), "7"));
    }

    // --- bulk import (SPEC section 1) ---

    @Test
    void importCreatesGoodLinesAndNamesTheReasonForBadOnes() {
        anna();
        AddressImport.Result result = join(directory.imports().run("example.com", List.of(
                line(2, "bob", List.of()),
                line(3, "anna", List.of()),
                new AddressImport.Line(4, "carl", "password", List.of(), true),
                line(5, "bad..name", List.of()),
                line(6, "dora", List.of("dora@remote.example")),
                line(7, "BOB", List.of()))));
        assertFalse(result.limited());
        assertEquals(List.of(true, false, false, false, true, false),
                result.lines().stream().map(AddressImport.Outcome::created).toList());
        assertTrue(result.lines().get(1).reason().contains("exists already"), result.lines().get(1).reason());
        assertTrue(result.lines().get(2).reason().contains("password"), result.lines().get(2).reason());
        assertTrue(result.lines().get(5).reason().contains("earlier line"), result.lines().get(5).reason());
        assertEquals(48, result.remaining());
        Address dora = join(directory.address(address("dora@example.com"))).orElseThrow();
        assertEquals(Optional.of(new Address.Redirect(List.of("dora@remote.example"), true)), dora.redirect());
    }

    @Test
    void importBeyondTheQuotaCreatesNothingUntilTheWindowMoves() {
        join(directory.createDomain("example.com"));
        List<AddressImport.Line> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add(line(i + 2, "user" + i, List.of()));
        }
        assertEquals(0, join(directory.imports().run("example.com", fifty)).remaining());
        AddressImport.Result refused =
                join(directory.imports().run("example.com", List.of(line(2, "late", List.of()))));
        assertTrue(refused.limited());
        assertEquals(0, refused.remaining());
        assertEquals(Lookup.UNKNOWN_ADDRESS, lookup(address("late@example.com")));
        clock.advance(Duration.ofHours(24));
        assertFalse(join(directory.imports().run("example.com", List.of(line(2, "late", List.of())))).limited());
    }

    private void anna() {
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
    }

    private static ResponderSettings responder(String name) {
        return responder(name, Optional.empty(), List.of(), Optional.empty());
    }

    private static ResponderSettings responder(String name, Optional<String> start, List<String> weekdays,
            Optional<String> from) {
        return new ResponderSettings(name, "Away.", Optional.empty(), start, Optional.empty(), weekdays, from,
                List.of());
    }

    /** The address's record as stored, read past the directory. */
    private AddressRecord stored(String localPart) {
        return join(store.read(MailboxFamilies.DIRECTORY, DirectoryStore.addressKey("example.com", localPart))
                .thenApply(found -> DirectoryStore.parse(AddressRecord::parseFrom, found.orElseThrow())));
    }

    private static AddressImport.Line line(int number, String localPart, List<String> redirect) {
        return new AddressImport.Line(number, localPart, "Tr4vel-light", redirect, true);
    }

    private List<String> domainNames() {
        return join(directory.domains()).stream().map(Domain::name).toList();
    }

    private List<String> localParts(String domain) {
        return join(directory.addresses(domain)).stream().map(Address::localPart).toList();
    }

    private static EmailAddress address(String text) {
        return EmailAddress.parse(text, false);
    }

    /** RCPT to a known address costs no store read the second time (ARCHITECTURE rule 2). */
    @Test
    void aResolvedRecipientResolvesAtOnceUntilTheDirectoryChanges() {
        anna();
        assertEquals(Lookup.MAILBOX, lookup(address("anna@example.com")));
        assertTrue(directory.resolve(address("anna@example.com")).toCompletableFuture().isDone());
        join(directory.setDisabled(address("anna@example.com"), true));
        assertEquals(Lookup.DISABLED, lookup(address("anna@example.com")));
    }

    private Lookup lookup(EmailAddress recipient) {
        return join(directory.resolve(recipient)).lookup();
    }
}
