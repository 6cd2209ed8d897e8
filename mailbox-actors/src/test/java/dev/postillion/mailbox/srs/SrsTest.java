package dev.postillion.mailbox.srs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.MutableClock;
import dev.postillion.core.SharedSecret;
import dev.postillion.core.Store;
import dev.postillion.core.TestStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrsTest {

    private static final byte[] OLD_SECRET = "old secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW_SECRET = "new secret".getBytes(StandardCharsets.UTF_8);
    private static final String SRS_DOMAIN = "fwd.example";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T12:00:00Z"));
    private final Srs srs = srs(List.of(OLD_SECRET));

    @TempDir Path dataDir;
    @TempDir Path storeDir;
    private Store shared;

    @Test
    void ordinarySenderRoundTrips() {
        String rewritten = forward("Anna.Alpha+tag@Sender.example");
        assertTrue(rewritten.startsWith("SRS0="), rewritten);
        assertTrue(rewritten.endsWith("=Sender.example=Anna.Alpha+tag@" + SRS_DOMAIN), rewritten);
        assertEquals(new Reversal.Original("Anna.Alpha+tag@Sender.example"), done(srs.reverse(rewritten)));
    }

    @Test
    void localPartWithSeparatorsRoundTrips() {
        assertEquals(new Reversal.Original("a=b==c@sender.example"),
                done(srs.reverse(forward("a=b==c@sender.example"))));
    }

    @Test
    void anotherForwardersSrs0BecomesSrs1AndReversesToIt() {
        String rewritten = forward("SRS0=abcd=XY=orig.example=user@first.example");
        assertTrue(rewritten.matches(
                "SRS1=[A-Za-z0-9_-]{4}=first\\.example==abcd=XY=orig\\.example=user@fwd\\.example"), rewritten);
        assertEquals(new Reversal.Original("SRS0=abcd=XY=orig.example=user@first.example"),
                done(srs.reverse(rewritten)));
    }

    @Test
    void srs1KeepsTheFirstForwarderAndReversesToItsSrs0() {
        String rewritten = forward("SRS1=zzzz=first.example==opaque@second.example");
        assertTrue(rewritten.matches("SRS1=[A-Za-z0-9_-]{4}=first\\.example==opaque@fwd\\.example"), rewritten);
        assertEquals(new Reversal.Original("SRS0=opaque@first.example"), done(srs.reverse(rewritten)));
    }

    @Test
    void srs1TagWithoutItsFieldsIsWrappedLikeAnyLocalPart() {
        String rewritten = forward("SRS1=broken@other.example");
        assertTrue(rewritten.startsWith("SRS0="), rewritten);
        assertEquals(new Reversal.Original("SRS1=broken@other.example"), done(srs.reverse(rewritten)));
    }

    @Test
    void sendersWithoutDomainOrAtOurDomainsAreKept() {
        assertTrue(done(srs.forward("", SRS_DOMAIN)).isEmpty());
        assertTrue(done(srs.forward("postmaster", SRS_DOMAIN)).isEmpty());
        assertTrue(done(srs.forward("user@", SRS_DOMAIN)).isEmpty());
        assertTrue(done(srs.forward("anna@Hosted.Example", SRS_DOMAIN)).isEmpty());
        assertTrue(done(srs.forward("anna@FWD.example", SRS_DOMAIN)).isEmpty());
    }

    @Test
    void validUntilTheMaximumAgeAndExpiredAfter() {
        String rewritten = forward("user@sender.example");
        clock.advance(Duration.ofDays(21));
        assertEquals(new Reversal.Original("user@sender.example"), done(srs.reverse(rewritten)));
        clock.advance(Duration.ofDays(1));
        assertInvalid(done(srs.reverse(rewritten)), "expired");
    }

    @Test
    void maximumAgeIsConfigurable() {
        Srs shortLived = new Srs(List.of(OLD_SECRET), clock, Duration.ofDays(3), this::hosted);
        String rewritten = done(shortLived.forward("user@sender.example", SRS_DOMAIN)).orElseThrow();
        clock.advance(Duration.ofDays(4));
        assertInvalid(done(shortLived.reverse(rewritten)), "made 4 days ago, valid for 3 days");
    }

    @Test
    void aDayOfClockSkewIsToleratedButNoMore() {
        clock.advance(Duration.ofDays(1));
        String tomorrow = forward("user@sender.example");
        clock.advance(Duration.ofDays(-1));
        assertInstanceOf(Reversal.Original.class, done(srs.reverse(tomorrow)));
        clock.advance(Duration.ofDays(5));
        String later = forward("user@sender.example");
        clock.advance(Duration.ofDays(-5));
        assertInvalid(done(srs.reverse(later)), "5 days in the future");
    }

    @Test
    void oldSecretStillVerifiesWhileTheNewOneSigns() {
        String signedWithOld = forward("user@sender.example");
        Srs rotated = srs(List.of(NEW_SECRET, OLD_SECRET));
        String signedWithNew = done(rotated.forward("user@sender.example", SRS_DOMAIN)).orElseThrow();

        assertEquals(new Reversal.Original("user@sender.example"), done(rotated.reverse(signedWithOld)));
        assertEquals(new Reversal.Original("user@sender.example"), done(rotated.reverse(signedWithNew)));
        assertEquals(signedWithNew,
                done(srs(List.of(NEW_SECRET)).forward("user@sender.example", SRS_DOMAIN)).orElseThrow());
        assertInvalid(done(srs(List.of(NEW_SECRET)).reverse(signedWithOld)), "bad hash");
    }

    @Test
    void forgedHashIsRejected() {
        String rewritten = forward("user@sender.example");
        String forged = rewritten.replace("=sender.example=user@", "=attacker.example=user@");
        assertInvalid(done(srs.reverse(forged)), "bad hash");
        assertInvalid(done(srs.reverse("SRS1=AAAA=first.example==opaque@" + SRS_DOMAIN)), "bad hash");
    }

    @Test
    void hashAndTagAreReadInAnyCase() {
        String rewritten = forward("user@sender.example");
        assertEquals(new Reversal.Original("user@sender.example"), done(srs.reverse(rewritten.toLowerCase())));
        assertEquals(new Reversal.Original("USER@SENDER.EXAMPLE"), done(srs.reverse(rewritten.toUpperCase())));
    }

    @Test
    void malformedAddressesAtOurDomainsAreInvalid() {
        assertInvalid(done(srs.reverse("SRS0=abcd=AA=sender.example@" + SRS_DOMAIN)), "malformed SRS0");
        assertInvalid(done(srs.reverse("SRS0=abcd=A1=sender.example=user@" + SRS_DOMAIN)), "timestamp");
        assertInvalid(done(srs.reverse("SRS1=abcd=first.example@" + SRS_DOMAIN)), "malformed SRS1");
    }

    @Test
    void ordinaryAndForeignAddressesAreNotSrs() {
        assertEquals(new Reversal.NotSrs(), done(srs.reverse("anna@" + SRS_DOMAIN)));
        assertEquals(new Reversal.NotSrs(), done(srs.reverse("srs0-team@" + SRS_DOMAIN)));
        String elsewhere = forward("user@sender.example").replace(SRS_DOMAIN, "else.example");
        assertEquals(new Reversal.NotSrs(), done(srs.reverse(elsewhere)));
        assertEquals(new Reversal.NotSrs(), done(srs.reverse("no-domain")));
    }

    @Test
    void unreasonableSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> srs(List.of()));
        assertThrows(IllegalArgumentException.class, () -> srs(List.of(new byte[0])));
        assertThrows(IllegalArgumentException.class, () -> new Srs(List.of(OLD_SECRET), clock, Duration.ofHours(12),
                this::hosted));
        assertThrows(IllegalArgumentException.class, () -> new Srs(List.of(OLD_SECRET), clock, Duration.ofDays(1023),
                this::hosted));
    }

    @Test
    void configuredSecretsWinOnePerLine() {
        List<byte[]> secrets = SrsSecret.load(" first\n\nsecond \n", shared(), dataDir);
        assertEquals(2, secrets.size());
        assertArrayEquals("first".getBytes(StandardCharsets.UTF_8), secrets.get(0));
        assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), secrets.get(1));
        assertFalse(Files.exists(secretFile()));
    }

    @Test
    void withoutConfigurationARandomSecretIsStoredOwnerOnlyAndReused() throws IOException {
        Path missing = dataDir.resolve("new/data");
        List<byte[]> first = SrsSecret.load("", shared(), missing);
        Path file = missing.resolve(SrsSecret.FILE_NAME);
        String stored = Files.readString(file).strip();
        assertTrue(stored.matches("[A-Za-z0-9_-]{43}"), stored);
        assertArrayEquals(stored.getBytes(StandardCharsets.UTF_8), first.get(0));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));

        List<byte[]> again = SrsSecret.load(" ", shared(), missing);
        assertEquals(1, again.size());
        assertArrayEquals(first.get(0), again.get(0));
    }

    @Test
    void secretsFileOfTheOperatorIsUsed() throws IOException {
        Files.writeString(secretFile(), "new\nold\n");
        List<byte[]> secrets = SrsSecret.load("", shared(), dataDir);
        assertEquals(2, secrets.size());
        assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), secrets.get(1));
    }

    @Test
    void emptySecretsFileIsAnError() throws IOException {
        Files.writeString(secretFile(), "\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SrsSecret.load("", shared(), dataDir));
        assertTrue(e.getMessage().contains("contains no secret"), e.getMessage());
    }

    /** The shared store, opened once per test. */
    private Store shared() {
        if (shared == null) {
            shared = TestStores.open(storeDir, List.of(SharedSecret.FAMILY));
        }
        return shared;
    }

    @AfterEach
    void closeStore() {
        if (shared != null) {
            shared.close();
        }
    }

    private Srs srs(List<byte[]> secrets) {
        return new Srs(secrets, clock, Srs.DEFAULT_MAX_AGE, this::hosted);
    }

    private CompletionStage<Boolean> hosted(String domain) {
        return CompletableFuture.completedFuture(Set.of("hosted.example", SRS_DOMAIN).contains(domain));
    }

    private String forward(String sender) {
        return done(srs.forward(sender, SRS_DOMAIN)).orElseThrow();
    }

    private Path secretFile() {
        return dataDir.resolve(SrsSecret.FILE_NAME);
    }

    private static void assertInvalid(Reversal reversal, String reasonPart) {
        Reversal.Invalid invalid = assertInstanceOf(Reversal.Invalid.class, reversal);
        assertTrue(invalid.reason().contains(reasonPart), invalid.reason());
    }

    private static <T> T done(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
