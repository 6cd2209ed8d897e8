package dev.postillion.mta.policy.dkim;

import dev.postillion.mta.Node;
import dev.postillion.mta.policy.PolicyFamilies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.auth.dkim.SigningAlgorithm;
import dev.postillion.auth.dkim.SigningKey;
import dev.postillion.admin.DkimAdmin.DomainRecords;
import dev.postillion.admin.DkimAdmin.Generation;
import dev.postillion.admin.DkimAdmin.KeyRecord;
import dev.postillion.core.MutableClock;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.TestStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in a real store, sealed with a master key in a real file. */
class DomainKeyStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @TempDir Path dir;
    private Store store;
    private SigningSettings settings;
    private DomainKeyStore keys;

    @BeforeEach
    void open() {
        store = TestStores.open(dir.resolve("store"), Node.storeFamilies());
        settings = new SigningSettings("ed", "rsa", dir.resolve(SigningSettings.DEFAULT_MASTER_KEY), true);
        keys = new DomainKeyStore(store, MasterKey.load(settings), settings, CLOCK, ForkJoinPool.commonPool());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theMasterKeyIsGeneratedOnceIntoAnOwnerOnlyFile() throws Exception {
        Path file = settings.masterKey();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String key = Files.readString(file);
        MasterKey.load(settings);
        assertEquals(key, Files.readString(file));
    }

    @Test
    void aConfiguredMasterKeyFileMustExist() {
        SigningSettings configured = new SigningSettings("ed", "rsa", dir.resolve("elsewhere.key"), false);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> MasterKey.load(configured));
        assertTrue(refused.getMessage().startsWith("cannot read or create the DKIM master key at "
                + dir.resolve("elsewhere.key")), refused.getMessage());
    }

    @Test
    void generatedKeysAreReadBackAndPublishedUnderTheFirstSelectors() throws Exception {
        List<KeyRecord> records = created(generate("example.test", false)).current();
        assertEquals(List.of("ed1", "rsa1"), records.stream().map(KeyRecord::selector).toList());
        assertTrue(records.get(0).value().matches("v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}="), records.get(0).value());
        assertTrue(records.get(1).value().startsWith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"),
                records.get(1).value());
        assertEquals(Optional.of(new DomainRecords(records, List.of())), keys.records("EXAMPLE.test").toCompletableFuture().join());
        DomainKeys read = keys.keys("example.test").orElseThrow();
        assertEquals(1, read.generation());
        assertEquals(List.of(SigningAlgorithm.ED25519_SHA256, SigningAlgorithm.RSA_SHA256),
                read.keys().stream().map(SigningKey::algorithm).toList());
    }

    /** A rotation's keys wait for their records to be published: the current keys sign until activation. */
    @Test
    void rotatedKeysArePendingAndSignOnlyOnceActivated() throws Exception {
        List<KeyRecord> first = created(generate("example.test", false)).current();
        assertInstanceOf(Generation.HasKeys.class, generate("example.test", false));
        DomainRecords rotated = created(generate("example.test", true));
        assertEquals(first, rotated.current());
        List<KeyRecord> next = rotated.pending();
        assertEquals(List.of("ed2", "rsa2"), next.stream().map(KeyRecord::selector).toList());
        assertNotEquals(first.get(1).value(), next.get(1).value());
        assertEquals(Optional.of(rotated), keys.records("example.test").toCompletableFuture().join());
        assertEquals(List.of("ed1", "rsa1"), signingSelectors());
        assertInstanceOf(Generation.HasPending.class, generate("example.test", true), "activate first");

        assertEquals(Optional.of(new DomainRecords(next, List.of())), activate("example.test"));
        assertEquals(Optional.of(new DomainRecords(next, List.of())), keys.records("example.test").toCompletableFuture().join());
        assertEquals(List.of("ed2", "rsa2"), signingSelectors());
        assertEquals(2, keys.keys("example.test").orElseThrow().generation());
        assertEquals(Optional.empty(), activate("example.test"), "nothing pending any more");
        assertEquals(Optional.empty(), activate("other.test"), "no keys at all");
    }

    /** Unsealed once: signing does not read the store again until the keys change. */
    @Test
    void unsealedKeysAreKeptUntilTheDomainsKeysChange() throws Exception {
        generate("example.test", false);
        DomainKeys read = keys.keys("example.test").orElseThrow();
        store.commit(new StoreBatch().delete(PolicyFamilies.DKIM_KEYS, "example.test".getBytes(StandardCharsets.UTF_8)),
                Store.Durability.SYNC).toCompletableFuture().join();
        assertSame(read, keys.keys("EXAMPLE.test").orElseThrow(), "not read from the store again");

        generate("example.test", false);
        assertNotSame(read, keys.keys("example.test").orElseThrow(), "new keys are read");
        generate("example.test", true);
        assertEquals(1, keys.keys("example.test").orElseThrow().generation(), "pending keys do not sign");
        activate("example.test");
        assertEquals(2, keys.keys("example.test").orElseThrow().generation());
        keys.forget("example.test").toCompletableFuture().join();
        assertEquals(Optional.empty(), keys.keys("example.test"));
    }

    /**
     * Two nodes over one store: keys rotated through one sign on the other once its unsealed keys
     * have been kept for {@link DomainKeyStore#KEYS_KEPT}; the old ones, still published, sign until then.
     */
    @Test
    void keysChangedThroughAnotherNodeSignHereOnceTheKeptOnesExpire() throws Exception {
        MutableClock clock = new MutableClock(CLOCK.instant());
        DomainKeyStore otherNode = new DomainKeyStore(store, MasterKey.load(settings), settings, clock,
                ForkJoinPool.commonPool());
        generate("example.test", false);
        assertEquals(1, otherNode.keys("example.test").orElseThrow().generation());

        generate("example.test", true);
        activate("example.test");
        assertEquals(1, otherNode.keys("example.test").orElseThrow().generation(), "kept a while");
        clock.advance(DomainKeyStore.KEYS_KEPT.plusSeconds(1));
        assertEquals(2, otherNode.keys("example.test").orElseThrow().generation());
    }

    /** A cluster's nodes must share the master key: a node given another one does not start. */
    @Test
    void aNodeWhoseMasterKeyIsNotTheServicesIsRefused() {
        keys.checkMasterKey();
        keys.checkMasterKey(); // the same key again: the first node's restart
        SigningSettings other = new SigningSettings("ed", "rsa", dir.resolve("other.key"), true);
        DomainKeyStore otherNode = new DomainKeyStore(store, MasterKey.load(other), other, CLOCK,
                ForkJoinPool.commonPool());
        IllegalStateException refused = assertThrows(IllegalStateException.class, otherNode::checkMasterKey);
        assertTrue(refused.getMessage().contains("give every node of the cluster the same file in"
                + " postillion.dkim.master-key"), refused.getMessage());
    }

    @Test
    void keysPrintTheirSelectorsOnly() throws Exception {
        generate("example.test", false);
        assertEquals("DomainKeys[generation=1, created=2026-11-23T10:00:00Z, keys=[ed25519-sha256 key ed1,"
                + " rsa-sha256 key rsa1]]", keys.keys("example.test").orElseThrow().toString());
    }

    @Test
    void theStoreHoldsNoPrivateKeyInTheClear() throws Exception {
        generate("example.test", false);
        byte[] stored = store.readBlocking(PolicyFamilies.DKIM_KEYS, "example.test".getBytes(StandardCharsets.UTF_8)).orElse(null);
        for (SigningKey key : keys.keys("example.test").orElseThrow().keys()) {
            assertFalse(contains(stored, key.privateKey().getEncoded()), key + " is in the store in the clear");
        }
    }

    @Test
    void anotherMasterKeyOpensNothing() throws Exception {
        generate("example.test", false);
        SigningSettings other = new SigningSettings("ed", "rsa", dir.resolve("other.key"), true);
        DomainKeyStore withOtherKey = new DomainKeyStore(store, MasterKey.load(other), other, CLOCK,
                ForkJoinPool.commonPool());
        assertThrows(GeneralSecurityException.class, () -> withOtherKey.keys("example.test"));
        assertEquals(keys.records("example.test").toCompletableFuture().join(), withOtherKey.records("example.test").toCompletableFuture().join(), "public keys stay readable");
    }

    @Test
    void forgottenKeysAreGone() throws Exception {
        generate("example.test", false);
        keys.forget("example.test").toCompletableFuture().join();
        assertEquals(Optional.empty(), keys.records("example.test").toCompletableFuture().join());
        assertEquals(Optional.empty(), keys.keys("example.test"));
    }

    private Generation generate(String domain, boolean rotate) {
        return keys.generate(domain, rotate).toCompletableFuture().join();
    }

    private static DomainRecords created(Generation generation) {
        return assertInstanceOf(Generation.Created.class, generation).records();
    }

    private Optional<DomainRecords> activate(String domain) {
        return keys.activate(domain).toCompletableFuture().join();
    }

    private List<String> signingSelectors() throws GeneralSecurityException {
        return keys.keys("example.test").orElseThrow().keys().stream().map(SigningKey::selector).toList();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
