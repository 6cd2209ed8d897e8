package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryAnswers.assertFails;
import static dev.postillion.mailbox.DirectoryAnswers.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.MutableClock;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import dev.postillion.mailbox.DirectoryException.Kind;
import dev.postillion.queue.SpoolFamilies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** App passwords in the directory, on a real store: created, checked at login, listed, revoked. */
class AppPasswordsTest {

    private static final String PASSWORD = "secret-password";
    private static final EmailAddress ANNA = EmailAddress.parse("anna@example.com", false);

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private Store store;
    private Directory directory;

    @BeforeEach
    void open() {
        store = TestStores.open(dir, MailboxFamilies.ALL, SpoolFamilies.ALL);
        directory = new Directory(store, clock, new Directory.Settings(8, new PasswordHash.Cost(64, 1, 1), 50, 20, 50,
                Duration.ofHours(24), 1000, "+", 3, Directory.Settings.SIEVE_LIMITS,
                new PasswordHash.Cost(64, 1, 1)));
        join(directory.createDomain("example.com"));
        join(directory.createAddress("example.com", "Anna", PASSWORD, Address.Type.MAILBOX));
    }

    @AfterEach
    void close() {
        directory.close();
        store.close();
    }

    @Test
    void aCreatedAppPasswordLogsInAsTheAddressAndSaysWhichItIs() {
        AppPassword.Created phone = join(directory.appPasswords().create(ANNA, "Anna's phone"));
        assertTrue(phone.password().matches("[a-z2-9]{4}(-[a-z2-9]{4}){4}"), phone.password());
        assertEquals(new AppPassword("Anna's phone", clock.instant(), Optional.empty()), phone.appPassword());

        Login login = join(directory.authenticate("anna@example.com", phone.password())).orElseThrow();
        assertEquals("Anna", login.address().localPart());
        assertEquals(new Credential(phone.password().substring(0, 4), "Anna's phone", clock.millis()),
                login.credential());
        // As a phone capitalises it, or a user retypes it with spaces.
        String retyped = phone.password().toUpperCase(Locale.ROOT).replace('-', ' ');
        assertEquals(login, join(directory.authenticate("anna@example.com", retyped)).orElseThrow());
        assertEquals(Credential.password(clock.millis()),
                join(directory.authenticate("anna@example.com", PASSWORD)).orElseThrow().credential(),
                "the address's own password still logs in");
        String wrong = phone.password().substring(0, 5) + (phone.password().charAt(5) == 'a' ? 'b' : 'a')
                + phone.password().substring(6);
        assertEquals(Optional.empty(), join(directory.authenticate("anna@example.com", wrong)));
        assertEquals(Optional.empty(), join(directory.authenticate("bob@example.com", phone.password())));
    }

    @Test
    void namesAreCheckedUniqueAndCapped() {
        join(directory.appPasswords().create(ANNA, "phone"));
        assertFails(Kind.CONFLICT, "anna@example.com has an app password named 'Phone' already",
                directory.appPasswords().create(ANNA, "Phone"));
        assertFails(Kind.INVALID, "may not be empty", directory.appPasswords().create(ANNA, " "));
        assertFails(Kind.INVALID, "at most 64 characters", directory.appPasswords().create(ANNA, "x".repeat(65)));
        assertFails(Kind.INVALID, "may not contain U+0009", directory.appPasswords().create(ANNA, "a\tb"));
        assertFails(Kind.NOT_FOUND, "no address bob@example.com",
                directory.appPasswords().create(EmailAddress.parse("bob@example.com", false), "phone"));
        join(directory.appPasswords().create(ANNA, "x".repeat(64)));
        join(directory.appPasswords().create(ANNA, "laptop"));
        assertFails(Kind.INVALID, "anna@example.com has 3 app passwords, the most an address may have",
                directory.appPasswords().create(ANNA, "tablet"));
        assertEquals(List.of("phone", "x".repeat(64), "laptop"),
                join(directory.appPasswords().list(ANNA)).stream().map(AppPassword::name).toList());
    }

    @Test
    void aRevokedAppPasswordNoLongerLogsInAndItsEndIsAnnounced() {
        List<CredentialChange> announced = new CopyOnWriteArrayList<>();
        directory.onCredentialChanged(announced::add);
        AppPassword.Created phone = join(directory.appPasswords().create(ANNA, "phone"));
        AppPassword.Created laptop = join(directory.appPasswords().create(ANNA, "laptop"));
        long created = clock.millis();

        join(directory.appPasswords().revoke(ANNA, "PHONE"));

        assertEquals(List.of(new CredentialChange(ANNA, new Credential(phone.password().substring(0, 4), "phone",
                created + 1))), announced);
        assertEquals(Optional.empty(), join(directory.authenticate("anna@example.com", phone.password())));
        assertTrue(join(directory.authenticate("anna@example.com", laptop.password())).isPresent());
        assertEquals(List.of("laptop"), join(directory.appPasswords().list(ANNA)).stream().map(AppPassword::name)
                .toList());
        assertFails(Kind.NOT_FOUND, "anna@example.com has no app password named 'phone'",
                directory.appPasswords().revoke(ANNA, "phone"));
    }

    @Test
    void aChangedPasswordKeepsTheAppPasswords() {
        AppPassword.Created phone = join(directory.appPasswords().create(ANNA, "phone"));
        join(directory.changePassword(ANNA, "Another-Secret-9"));
        assertTrue(join(directory.authenticate("anna@example.com", phone.password())).isPresent());
        assertFails(Kind.INVALID, "has the form of a generated app password",
                directory.changePassword(ANNA, "abcd-efgh-jkmn-pqrs-tuvw"));
    }

    @Test
    void lastUseIsRecordedAtMostOnceAMinuteAndGoesWithTheAddress() {
        AppPassword.Created phone = join(directory.appPasswords().create(ANNA, "phone"));
        Login login = join(directory.authenticate("anna@example.com", phone.password())).orElseThrow();
        Instant first = clock.instant();
        join(directory.appPasswords().used(login, AppPassword.Protocol.IMAP));
        clock.advance(Duration.ofSeconds(59));
        join(directory.appPasswords().used(login, AppPassword.Protocol.POP3));
        assertEquals(Optional.of(new AppPassword.Use(first, AppPassword.Protocol.IMAP)), lastUse());
        clock.advance(Duration.ofSeconds(1));
        join(directory.appPasswords().used(login, AppPassword.Protocol.SMTP));
        assertEquals(Optional.of(new AppPassword.Use(clock.instant(), AppPassword.Protocol.SMTP)), lastUse());

        join(directory.deleteAddress("example.com", "anna"));
        join(directory.createAddress("example.com", "anna", PASSWORD, Address.Type.MAILBOX));
        assertEquals(List.of(), join(directory.appPasswords().list(ANNA)));
        assertEquals(Optional.empty(), join(directory.authenticate("anna@example.com", phone.password())));
        assertEquals(0, join(store.prefix(MailboxFamilies.DIRECTORY,
                "app-password-use/".getBytes(StandardCharsets.UTF_8), 10)).size());
    }

    private Optional<AppPassword.Use> lastUse() {
        return join(directory.appPasswords().list(ANNA)).get(0).lastUse();
    }
}
