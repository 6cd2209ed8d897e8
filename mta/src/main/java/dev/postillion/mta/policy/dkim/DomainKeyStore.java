package dev.postillion.mta.policy.dkim;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.admin.DkimAdmin;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.proto.DkimKeyAlgorithm;
import dev.postillion.core.proto.DkimKeyRecord;
import dev.postillion.core.proto.DkimKeyRecordOrBuilder;
import dev.postillion.core.proto.DomainKeysRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted domains' DKIM keys in the store (family {@code dkim-keys}, keyed by domain name), as
 * {@link DomainKeysRecord}s whose private keys are sealed with the {@link MasterKey}. Reads are
 * point lookups on the caller's thread; key generation (RSA-2048 takes up to a few hundred
 * milliseconds) runs on the given executor, and changes are made one at a time, so that two
 * requests cannot both create a domain's first keys.
 */
public final class DomainKeyStore implements DkimAdmin {

    private static final Logger log = LoggerFactory.getLogger(DomainKeyStore.class);

    private final Store store;
    private final MasterKey masterKey;
    private final SigningSettings settings;
    private final Clock clock;
    private final Executor executor;
    private final Object changes = new Object();

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
     * The domain's keys, unsealed.
     *
     * @throws GeneralSecurityException when a key does not open: another master key sealed it, or
     *     the record was changed
     */
    Optional<DomainKeys> keys(String domain) throws GeneralSecurityException {
        Optional<DomainKeysRecord> record = record(domain);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        List<SigningKey> keys = new ArrayList<>();
        for (DkimKeyRecord key : record.get().getKeysList()) {
            keys.add(unseal(domain, key));
        }
        return Optional.of(new DomainKeys(record.get().getGeneration(),
                Instant.ofEpochMilli(record.get().getCreatedEpochMillis()), keys));
    }

    @Override
    public List<KeyRecord> records(String domain) {
        return record(domain).map(DomainKeyStore::published).orElse(List.of());
    }

    @Override
    public CompletionStage<Optional<List<KeyRecord>>> generate(String domain, boolean rotate) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (changes) {
                Optional<DomainKeysRecord> current = record(domain);
                if (current.isPresent() && !rotate) {
                    return Optional.empty();
                }
                int generation = current.map(DomainKeysRecord::getGeneration).orElse(0) + 1;
                DomainKeysRecord created = seal(domain, DomainKeys.generate(generation, settings, clock.instant()));
                commit(new StoreBatch().put(StoreFamily.DKIM_KEYS, key(domain), created.toByteArray()));
                log.info("DKIM keys of {} {}: selectors {}", domain, current.isPresent() ? "rotated" : "created",
                        published(created).stream().map(KeyRecord::selector).toList());
                return Optional.of(published(created));
            }
        }, executor);
    }

    @Override
    public CompletionStage<Void> forget(String domain) {
        return CompletableFuture.runAsync(() -> {
            synchronized (changes) {
                commit(new StoreBatch().delete(StoreFamily.DKIM_KEYS, key(domain)));
            }
        }, executor);
    }

    /** Waits for the disk: the records are handed out to be published only once the keys are safe. */
    private void commit(StoreBatch batch) {
        store.commit(batch, Store.Durability.SYNC).toCompletableFuture().join();
    }

    private Optional<DomainKeysRecord> record(String domain) {
        byte[] value = store.get(StoreFamily.DKIM_KEYS, key(domain));
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(DomainKeysRecord.parseFrom(value));
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
            try {
                sealed.setSealedPrivateKey(ByteString.copyFrom(
                        masterKey.seal(key.privateKey().getEncoded(), associatedData(domain, sealed))));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java 17 has AES-GCM", e);
            }
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

    private static byte[] key(String domain) {
        return domain.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
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
}
