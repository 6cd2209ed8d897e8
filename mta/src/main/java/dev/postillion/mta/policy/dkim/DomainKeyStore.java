package dev.postillion.mta.policy.dkim;

import dev.postillion.mta.policy.PolicyFamilies;
import dev.postillion.auth.dkim.KeyType;
import dev.postillion.auth.dkim.SigningAlgorithm;
import dev.postillion.auth.dkim.SigningKey;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.admin.DkimAdmin;
import dev.postillion.admin.DkimAdmin.DomainRecords;
import dev.postillion.admin.DkimAdmin.Generation;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreConflictException;
import dev.postillion.core.StoreException;
import dev.postillion.mta.policy.dkim.proto.DkimKeyAlgorithm;
import dev.postillion.mta.policy.dkim.proto.DkimKeyRecord;
import dev.postillion.mta.policy.dkim.proto.DkimKeyRecordOrBuilder;
import dev.postillion.mta.policy.dkim.proto.DomainKeysRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted domains' DKIM keys in the store (family {@code dkim-keys}, keyed by domain name), as
 * {@link DomainKeysRecord}s whose private keys are sealed with the {@link MasterKey}: the current
 * keys, which sign, and after a rotation the pending ones, which sign once activated. Key
 * generation (RSA-2048 takes up to a few hundred milliseconds) runs on the given executor, and
 * changes are made one at a time, so that two requests cannot both create a domain's first keys.
 *
 * <p>The signing keys are unsealed once per domain and kept in memory (every message and every
 * retry signs anew) for {@link #KEYS_KEPT}; a change drops the domain's entry once it is on disk.
 * Readers fill an entry in {@link ConcurrentHashMap#computeIfAbsent}, which the removal waits for,
 * so a reader that read the record before the change cannot leave the old keys behind it. A
 * change made through another node of the cluster is seen when the entry expires: a rotation
 * keeps the old keys published meanwhile. The entries are not printed: {@link SigningKey#toString}
 * names a key only.
 *
 * <p>A change writes only if the domain's record is still the one it read: through two nodes at
 * once, one of two rotations is refused ({@link StoreConflictException}) instead of both
 * making keys of the same generation.
 */
public final class DomainKeyStore implements DkimAdmin {

    private static final Logger log = LoggerFactory.getLogger(DomainKeyStore.class);

    private final Store store;
    private final MasterKey masterKey;
    private final SigningSettings settings;
    private final Clock clock;
    private final Executor executor;
    private final Object changes = new Object();
    private final Map<String, Unsealed> unsealed = new ConcurrentHashMap<>();

    /**
     * The key of the master key's check: no domain name, since no domain name holds a '!'; and the
     * text sealed under it.
     */
    private static final byte[] MASTER_KEY_CHECK = "!master-key-check".getBytes(StandardCharsets.US_ASCII);

    /** How long unsealed keys are used before the record is read again. */
    static final Duration KEYS_KEPT = Duration.ofMinutes(1);

    private record Unsealed(Optional<DomainKeys> keys, Instant readAt) {}

    /**
     * @param executor where keys are generated and changes wait for the disk: not an actor's or
     *     Netty's thread
     */
    public DomainKeyStore(Store store, MasterKey masterKey, SigningSettings settings, Clock clock, Executor executor) {
        this.store = store;
        this.masterKey = masterKey;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * The keys the domain signs with, unsealed: the current ones, never the pending.
     *
     * @throws GeneralSecurityException when a key does not open: another master key sealed it, or
     *     the record was changed; not remembered, so each message tries again
     */
    Optional<DomainKeys> keys(String domain) throws GeneralSecurityException {
        try {
            Unsealed entry = unsealed.computeIfAbsent(name(domain), this::unsealedKeys);
            if (entry.readAt().plus(KEYS_KEPT).isBefore(clock.instant())) {
                unsealed.remove(name(domain), entry);
                entry = unsealed.computeIfAbsent(name(domain), this::unsealedKeys);
            }
            return entry.keys();
        } catch (KeysDoNotOpen e) {
            throw (GeneralSecurityException) e.getCause();
        }
    }

    /**
     * Refuses a master key other than the one the service's keys are sealed with: in a cluster
     * every node must be given the same ({@code postillion.dkim.master-key}), else mail leaving
     * through one node could not be signed with keys made through another. The first node to
     * start leaves a check sealed with its key; the others must open it. At start-up only.
     *
     * @throws IllegalStateException when this node's master key does not open the check
     */
    public void checkMasterKey() {
        try {
            Optional<byte[]> check = store.readBlocking(PolicyFamilies.DKIM_KEYS, MASTER_KEY_CHECK);
            if (check.isEmpty()) {
                byte[] sealed = masterKey.seal(MASTER_KEY_CHECK, MASTER_KEY_CHECK);
                try {
                    write(new StoreBatch().expect(PolicyFamilies.DKIM_KEYS, MASTER_KEY_CHECK, null)
                            .put(PolicyFamilies.DKIM_KEYS, MASTER_KEY_CHECK, sealed));
                    return;
                } catch (StoreConflictException e) {
                    check = store.readBlocking(PolicyFamilies.DKIM_KEYS, MASTER_KEY_CHECK); // another node's
                }
            }
            masterKey.open(check.orElseThrow(), MASTER_KEY_CHECK);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this node's DKIM master key (" + settings.masterKey() + ") is not the"
                    + " one the service's signing keys are sealed with: give every node of the cluster the same"
                    + " file in postillion.dkim.master-key");
        }
    }

    @Override
    public CompletionStage<Optional<DomainRecords>> records(String domain) {
        return store.read(PolicyFamilies.DKIM_KEYS, key(domain))
                .thenApply(value -> parsed(domain, value).map(DomainKeyStore::domainRecords));
    }

    private static DomainRecords domainRecords(DomainKeysRecord record) {
        return new DomainRecords(published(record), record.hasPending() ? published(record.getPending()) : List.of());
    }

    @Override
    public CompletionStage<Generation> generate(String domain, boolean rotate) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (changes) {
                Optional<byte[]> stored = store.readBlocking(PolicyFamilies.DKIM_KEYS, key(domain));
                Optional<DomainKeysRecord> current = parsed(domain, stored);
                if (current.isEmpty()) {
                    return new Generation.Created(save(domain, stored, newKeys(domain, 1), "created"));
                }
                if (!rotate) {
                    return new Generation.HasKeys();
                }
                if (current.get().hasPending()) {
                    return new Generation.HasPending();
                }
                DomainKeysRecord pending = newKeys(domain, current.get().getGeneration() + 1);
                return new Generation.Created(save(domain, stored,
                        current.get().toBuilder().setPending(pending).build(),
                        "made pending: selectors " + selectors(pending)));
            }
        }, executor);
    }

    @Override
    public CompletionStage<Optional<DomainRecords>> activate(String domain) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (changes) {
                Optional<byte[]> stored = store.readBlocking(PolicyFamilies.DKIM_KEYS, key(domain));
                Optional<DomainKeysRecord> pending = parsed(domain, stored)
                        .filter(DomainKeysRecord::hasPending).map(DomainKeysRecord::getPending);
                return pending.map(keys -> save(domain, stored, keys, "activated"));
            }
        }, executor);
    }

    @Override
    public CompletionStage<Void> forget(String domain) {
        return CompletableFuture.runAsync(() -> {
            synchronized (changes) {
                commit(domain, new StoreBatch().delete(PolicyFamilies.DKIM_KEYS, key(domain)));
            }
        }, executor);
    }

    private DomainKeysRecord newKeys(String domain, int generation) {
        return seal(domain, DomainKeys.generate(generation, settings, clock.instant()));
    }

    /**
     * Stores the domain's record in place of {@code stored}, the one the change read, and logs what
     * happened, naming the signing keys' selectors.
     */
    private DomainRecords save(String domain, Optional<byte[]> stored, DomainKeysRecord record, String change) {
        commit(domain, new StoreBatch().expect(PolicyFamilies.DKIM_KEYS, key(domain), stored.orElse(null))
                .put(PolicyFamilies.DKIM_KEYS, key(domain), record.toByteArray()));
        log.info("DKIM keys of {} {}; signing with selectors {}", domain, change, selectors(record));
        return domainRecords(record);
    }

    /**
     * Waits for the disk: the records are handed out to be published only once the keys are safe.
     * Then the signing keys are read anew.
     */
    private void commit(String domain, StoreBatch batch) {
        write(batch);
        unsealed.remove(name(domain));
    }

    private void write(StoreBatch batch) {
        store.commitBlocking(batch, Store.Durability.SYNC);
    }

    /** Reads and unseals the domain's current keys; one that does not open is thrown as {@link KeysDoNotOpen}. */
    private Unsealed unsealedKeys(String domain) {
        Instant readAt = clock.instant();
        Optional<DomainKeysRecord> record = record(domain);
        if (record.isEmpty()) {
            return new Unsealed(Optional.empty(), readAt);
        }
        List<SigningKey> keys = new ArrayList<>();
        try {
            for (DkimKeyRecord key : record.get().getKeysList()) {
                keys.add(unseal(domain, key));
            }
        } catch (GeneralSecurityException e) {
            throw new KeysDoNotOpen(e);
        }
        return new Unsealed(Optional.of(new DomainKeys(record.get().getGeneration(),
                Instant.ofEpochMilli(record.get().getCreatedEpochMillis()), keys)), readAt);
    }

    private static List<String> selectors(DomainKeysRecord record) {
        return record.getKeysList().stream().map(DkimKeyRecord::getSelector).toList();
    }

    /** On the executor (the blocking dispatcher), which may wait for the store. */
    private Optional<DomainKeysRecord> record(String domain) {
        return parsed(domain, store.readBlocking(PolicyFamilies.DKIM_KEYS, key(domain)));
    }

    private static Optional<DomainKeysRecord> parsed(String domain, Optional<byte[]> value) {
        try {
            return value.isEmpty() ? Optional.empty() : Optional.of(DomainKeysRecord.parseFrom(value.get()));
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("unreadable DKIM keys of " + domain + ": " + e.getMessage(), e);
        }
    }

    private static List<KeyRecord> published(DomainKeysRecord record) {
        return record.getKeysList().stream()
                .map(key -> new KeyRecord(key.getSelector(),
                        SigningKey.record(algorithm(key.getAlgorithm()).keyType(), key.getPublicKey().toByteArray())))
                .toList();
    }

    private DomainKeysRecord seal(String domain, DomainKeys keys) {
        DomainKeysRecord.Builder record = DomainKeysRecord.newBuilder()
                .setGeneration(keys.generation())
                .setCreatedEpochMillis(keys.created().toEpochMilli());
        for (SigningKey key : keys.keys()) {
            DkimKeyRecord.Builder sealed = DkimKeyRecord.newBuilder()
                    .setAlgorithm(algorithm(key.algorithm()))
                    .setSelector(key.selector())
                    .setPublicKey(ByteString.copyFrom(key.publicKeyInfo()));
            sealed.setSealedPrivateKey(ByteString.copyFrom(
                    masterKey.seal(key.privateKey().getEncoded(), associatedData(domain, sealed))));
            record.addKeys(sealed);
        }
        return record.build();
    }

    private SigningKey unseal(String domain, DkimKeyRecord record) throws GeneralSecurityException {
        SigningAlgorithm algorithm = algorithm(record.getAlgorithm());
        byte[] pkcs8 = masterKey.open(record.getSealedPrivateKey().toByteArray(),
                associatedData(domain, record));
        PrivateKey privateKey = KeyFactory.getInstance(algorithm.keyType().jcaName())
                .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        return new SigningKey(algorithm, record.getSelector(), record.getPublicKey().toByteArray(), privateKey);
    }

    /** What a sealed key belongs to: its domain, selector and algorithm. */
    private static byte[] associatedData(String domain, DkimKeyRecordOrBuilder key) {
        return ("postillion-dkim-key\0" + domain.toLowerCase(Locale.ROOT) + "\0" + key.getSelector() + "\0"
                + key.getAlgorithm().name()).getBytes(StandardCharsets.UTF_8);
    }

    private static String name(String domain) {
        return domain.toLowerCase(Locale.ROOT);
    }

    private static byte[] key(String domain) {
        return name(domain).getBytes(StandardCharsets.UTF_8);
    }

    private static DkimKeyAlgorithm algorithm(SigningAlgorithm algorithm) {
        return algorithm.keyType() == KeyType.RSA ? DkimKeyAlgorithm.DKIM_KEY_RSA : DkimKeyAlgorithm.DKIM_KEY_ED25519;
    }

    private static SigningAlgorithm algorithm(DkimKeyAlgorithm algorithm) {
        return switch (algorithm) {
            case DKIM_KEY_RSA -> SigningAlgorithm.RSA_SHA256;
            case DKIM_KEY_ED25519 -> SigningAlgorithm.ED25519_SHA256;
            default -> throw new StoreException("unknown DKIM key algorithm " + algorithm);
        };
    }

    /** Carries a key that does not open out of {@code computeIfAbsent}, which takes no checked exception. */
    private static final class KeysDoNotOpen extends RuntimeException {
        KeysDoNotOpen(GeneralSecurityException cause) {
            super(cause);
        }
    }
}
