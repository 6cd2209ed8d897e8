package dev.postillion.mailbox;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.core.StoreFamily;
import dev.postillion.core.proto.AddressRecord;
import dev.postillion.core.proto.DomainRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The hosted domains and their addresses, stored in the {@code directory} column family.
 *
 * <p>Reads are point lookups on the caller's thread (SMTP asks at every RCPT). Changes run one at a
 * time on the directory's own writer thread, so that "exists already?" and the write that follows
 * cannot interleave with another change, and so that slow password hashing never runs on an actor
 * or HTTP thread.
 */
public final class Directory implements AutoCloseable {

    /** What the directory says of an envelope recipient. */
    public enum Lookup {
        /** An address with a mailbox here. */
        MAILBOX,
        /** A domain hosted here, but no such address: 550 5.1.1 at RCPT. */
        UNKNOWN_ADDRESS,
        /** Not a domain of ours: relaying, refused on the MX port. */
        NOT_HOSTED
    }

    /** {@code postillion.directory} settings. */
    public record Settings(int passwordMinLength, int passwordIterations) {}

    private static final int LIST_LIMIT = 1_000_000;

    private final Store store;
    private final Clock clock;
    private final Settings settings;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "directory-writer");
        thread.setDaemon(true);
        return thread;
    });

    public Directory(Store store, Clock clock, Settings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    public Lookup lookup(EmailAddress address) {
        if (!hosts(address.domain())) {
            return Lookup.NOT_HOSTED;
        }
        byte[] record = store.get(StoreFamily.DIRECTORY, addressKey(address.domainKey(), address.localPart()));
        return record == null ? Lookup.UNKNOWN_ADDRESS : Lookup.MAILBOX;
    }

    public boolean hosts(String domain) {
        return store.get(StoreFamily.DIRECTORY, domainKey(domain)) != null;
    }

    public CompletionStage<DomainRecord> createDomain(String name) {
        return change(() -> {
            AddressRules.checkDomainName(name);
            if (hosts(name)) {
                throw new DirectoryException(DirectoryException.Kind.CONFLICT, "domain " + name + " exists already");
            }
            DomainRecord record = DomainRecord.newBuilder()
                    .setName(name.toLowerCase(Locale.ROOT))
                    .setCreatedEpochMillis(clock.millis())
                    .build();
            commit(new StoreBatch().put(StoreFamily.DIRECTORY, domainKey(name), record.toByteArray()));
            return record;
        });
    }

    public List<DomainRecord> domains() {
        return store.prefix(StoreFamily.DIRECTORY, utf8("domain/"), LIST_LIMIT).stream()
                .map(entry -> parse(() -> DomainRecord.parseFrom(entry.value())))
                .toList();
    }

    /** Deletes an empty domain; one that still has addresses is a conflict, never a cascade. */
    public CompletionStage<Void> deleteDomain(String name) {
        return change(() -> {
            requireDomain(name);
            if (!store.prefix(StoreFamily.DIRECTORY, addressPrefix(name), 1).isEmpty()) {
                throw new DirectoryException(DirectoryException.Kind.CONFLICT,
                        "domain " + name + " still has addresses; delete them first");
            }
            commit(new StoreBatch().delete(StoreFamily.DIRECTORY, domainKey(name)));
            return null;
        });
    }

    public CompletionStage<AddressRecord> createAddress(String domain, String localPart, String password) {
        return change(() -> {
            requireDomain(domain);
            AddressRules.checkLocalPart(localPart);
            AddressRules.checkPassword(password, settings.passwordMinLength());
            byte[] key = addressKey(domain, localPart);
            if (store.get(StoreFamily.DIRECTORY, key) != null) {
                throw new DirectoryException(DirectoryException.Kind.CONFLICT,
                        "address " + localPart + "@" + domain + " exists already");
            }
            PasswordHash hash = PasswordHash.of(password, settings.passwordIterations());
            AddressRecord record = AddressRecord.newBuilder()
                    .setLocalPart(localPart)
                    .setDomain(domain.toLowerCase(Locale.ROOT))
                    .setPasswordHash(ByteString.copyFrom(hash.hash()))
                    .setPasswordSalt(ByteString.copyFrom(hash.salt()))
                    .setPasswordIterations(hash.iterations())
                    .setCreatedEpochMillis(clock.millis())
                    .build();
            commit(new StoreBatch().put(StoreFamily.DIRECTORY, key, record.toByteArray()));
            return record;
        });
    }

    public List<AddressRecord> addresses(String domain) {
        requireDomain(domain);
        return store.prefix(StoreFamily.DIRECTORY, addressPrefix(domain), LIST_LIMIT).stream()
                .map(entry -> parse(() -> AddressRecord.parseFrom(entry.value())))
                .toList();
    }

    /** Removes the address from the directory; its mailbox is purged by {@link Mailboxes#purge}. */
    public CompletionStage<EmailAddress> deleteAddress(String domain, String localPart) {
        return change(() -> {
            requireDomain(domain);
            byte[] key = addressKey(domain, localPart);
            byte[] existing = store.get(StoreFamily.DIRECTORY, key);
            if (existing == null) {
                throw new DirectoryException(DirectoryException.Kind.NOT_FOUND,
                        "no address " + localPart + "@" + domain);
            }
            commit(new StoreBatch().delete(StoreFamily.DIRECTORY, key));
            AddressRecord record = parse(() -> AddressRecord.parseFrom(existing));
            return new EmailAddress(record.getLocalPart(), record.getDomain());
        });
    }

    private void requireDomain(String domain) {
        if (!hosts(domain)) {
            throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, "no domain " + domain);
        }
    }

    private <T> CompletionStage<T> change(java.util.function.Supplier<T> change) {
        return CompletableFuture.supplyAsync(change, writer);
    }

    private void commit(StoreBatch batch) {
        store.commit(batch, Durability.SYNC).toCompletableFuture().join();
    }

    private interface Parser<T> {
        T parse() throws InvalidProtocolBufferException;
    }

    private static <T> T parse(Parser<T> parser) {
        try {
            return parser.parse();
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt directory record: " + e.getMessage(), e);
        }
    }

    private static byte[] domainKey(String domain) {
        return utf8("domain/" + domain.toLowerCase(Locale.ROOT));
    }

    private static byte[] addressPrefix(String domain) {
        return utf8("address/" + domain.toLowerCase(Locale.ROOT) + "/");
    }

    private static byte[] addressKey(String domain, String localPart) {
        return utf8("address/" + domain.toLowerCase(Locale.ROOT) + "/" + localPart.toLowerCase(Locale.ROOT));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
