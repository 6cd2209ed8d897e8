package dev.postillion.mailbox;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.DomainName;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Keys;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreConflictException;
import dev.postillion.core.StoreException;
import dev.postillion.mailbox.proto.AddressRecord;
import dev.postillion.mailbox.proto.AliasRecord;
import dev.postillion.mailbox.proto.DomainRecord;
import dev.postillion.mailbox.proto.ServiceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The {@code directory} column family as the {@link Directory}, {@link AddressImport} and
 * {@link AddressResponders} share it: record keys, point reads, and the one writer thread every
 * change runs on, so that a check ("exists already?") and the write that follows it never
 * interleave with another change.
 *
 * <p>Keys: {@code domain/<name>}, {@code alias-domain/<primary>/<alias>} (the index of a domain's
 * alias domains), {@code address/<domain>/<local part>}, {@code alias/<domain>/<local part>},
 * {@code service/<service>}, {@code service-domain/<service>/<domain>} (the index of a service's
 * domains), {@code sieve/<domain>/<local part>} and {@code import/<service>}, all lower case,
 * domains in A-labels ({@link DomainName#key}).
 */
final class DirectoryStore implements AutoCloseable {

    static final int LIST_LIMIT = 1_000_000;
    private static final int CHANGE_ATTEMPTS = 3;

    private final Store store;
    private final Clock clock;
    private final DirectoryCache cache;
    /** The reads of the change under way on the writer thread; unset on every other thread. */
    private final ThreadLocal<ChangeReads> changeReads = new ThreadLocal<>();
    private volatile Runnable changeWritten = () -> {};
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "directory-writer");
        thread.setDaemon(true);
        return thread;
    });

    DirectoryStore(Store store, Clock clock, int cacheSize) {
        this.store = store;
        this.clock = clock;
        this.cache = new DirectoryCache(cacheSize);
    }

    Clock clock() {
        return clock;
    }

    // --- reads: asynchronous through the cache; the writer thread waits with {@link #await} ---

    CompletionStage<Optional<DomainRecord>> domain(String name) {
        return find(domainKey(name), DomainRecord::parseFrom);
    }

    CompletionStage<Optional<AddressRecord>> address(String domain, String localPart) {
        return find(addressKey(domain, localPart), AddressRecord::parseFrom);
    }

    CompletionStage<Optional<ServiceRecord>> service(String name) {
        return find(serviceKey(name), ServiceRecord::parseFrom);
    }

    CompletionStage<Optional<AliasRecord>> alias(String domain, String localPart) {
        return find(aliasKey(domain, localPart), AliasRecord::parseFrom);
    }

    /** The record under {@code key}: at once from the cache, else completed by the store's reader. */
    <T> CompletionStage<Optional<T>> find(byte[] key, Parser<T> parser) {
        ChangeReads change = changeReads.get();
        Optional<Optional<byte[]>> cached = cache.get(key);
        if (cached.isPresent()) {
            if (change != null) {
                change.saw(key, cached.get());
            }
            return CompletableFuture.completedFuture(cached.get().map(bytes -> parse(parser, bytes)));
        }
        long generation = cache.generation();
        return store.read(MailboxFamilies.DIRECTORY, key).thenApply(value -> {
            cache.keep(key, value, generation);
            if (change != null) {
                change.saw(key, value);
            }
            return value.map(bytes -> parse(parser, bytes));
        });
    }

    /** A listing, straight from the store (listings are the admin's, not a hot path). */
    CompletionStage<List<Store.KeyValue>> prefix(byte[] prefix, int limit) {
        return store.prefix(MailboxFamilies.DIRECTORY, prefix, limit);
    }

    /** How many keys start with {@code prefix}, their values unread. */
    CompletionStage<Integer> count(byte[] prefix) {
        return store.keys(MailboxFamilies.DIRECTORY, prefix, Keys.prefixEnd(prefix), LIST_LIMIT).thenApply(List::size);
    }

    /**
     * Waits for a read: only on the writer thread, whose check and write must not interleave with
     * another change; never on an event loop or an actor's thread (the tests' blocking-call
     * detector fails such a wait).
     */
    static <T> T await(CompletionStage<T> read) {
        try {
            return read.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    /** The domain, or NOT_FOUND; INVALID for an alias domain, whose addresses live at its primary. */
    CompletionStage<DomainRecord> requirePrimary(String domain) {
        return requireDomain(domain).thenApply(record -> {
            if (!record.getAliasOf().isEmpty()) {
                throw DirectoryException.invalid(record.getName() + " is an alias domain of " + record.getAliasOf()
                        + "; manage addresses there");
            }
            return record;
        });
    }

    /** The domain or alias domain, or NOT_FOUND naming it. */
    CompletionStage<DomainRecord> requireDomain(String domain) {
        return domain(domain).thenApply(record -> record.orElseThrow(() -> DirectoryException.notFound("no domain "
                + domain)));
    }

    /** The address exactly as created, or NOT_FOUND naming it. */
    CompletionStage<AddressRecord> requireAddress(EmailAddress address) {
        return address(address.domain(), address.localPart())
                .thenApply(record -> record.orElseThrow(() -> DirectoryException.notFound("no address " + address)));
    }

    // --- changes, on the writer thread ---

    /**
     * Runs {@code change} on the writer thread. Its writes land only if the records it read are
     * unchanged ({@link ChangeReads}); if another node changed one meanwhile, it runs again on
     * what is there now, a few times before it gives up.
     */
    <T> CompletionStage<T> change(Supplier<T> change) {
        return CompletableFuture.supplyAsync(() -> {
            for (int attempt = 1; ; attempt++) {
                changeReads.set(new ChangeReads());
                try {
                    return change.get();
                } catch (StoreConflictException e) {
                    if (attempt == CHANGE_ATTEMPTS) {
                        throw DirectoryException.conflict("the directory was changed at the same time through another"
                                + " node; try again");
                    }
                } finally {
                    changeReads.remove();
                }
            }
        }, writer);
    }

    /** Reads the address, applies {@code edit} and stores the result, as one change. */
    CompletionStage<AddressRecord> changeAddress(EmailAddress address, UnaryOperator<AddressRecord.Builder> edit) {
        return change(() -> saveAddress(edit.apply(await(requireAddress(address)).toBuilder())));
    }

    /** On the writer thread only. */
    AddressRecord saveAddress(AddressRecord.Builder record) {
        AddressRecord saved = record.build();
        commit(new StoreBatch().put(MailboxFamilies.DIRECTORY, addressKey(saved.getDomain(), saved.getLocalPart()),
                saved.toByteArray()));
        return saved;
    }

    /**
     * On the writer thread only: the change is durable when this returns, and no record read before
     * it is served from the cache any more.
     */
    void commit(StoreBatch batch) {
        ChangeReads change = changeReads.get();
        if (change != null) {
            change.guard(batch);
        }
        try {
            store.commitBlocking(batch, Durability.SYNC);
        } finally {
            cache.changed(); // even when failed: the write may have reached the disk
            changeWritten.run();
        }
        if (change != null) {
            change.wrote(batch);
        }
    }

    /**
     * Writes what is no directory change (an app password's last use): not on the writer thread,
     * not guarded, and no cache emptied, for records that no cache holds and only listings read.
     */
    CompletionStage<Void> writeApart(StoreBatch batch) {
        return store.commit(batch, Durability.BUFFERED);
    }

    // --- keys ---

    static byte[] domainKey(String domain) {
        return utf8("domain/" + DomainName.key(domain));
    }

    static byte[] domainPrefix() {
        return utf8("domain/");
    }

    static byte[] addressPrefix(String domain) {
        return utf8("address/" + DomainName.key(domain) + "/");
    }

    static byte[] addressKey(String domain, String localPart) {
        return utf8("address/" + DomainName.key(domain) + "/" + lower(localPart));
    }

    static byte[] aliasKey(String domain, String localPart) {
        return utf8("alias/" + DomainName.key(domain) + "/" + lower(localPart));
    }

    static byte[] aliasDomainPrefix(String primary) {
        return utf8("alias-domain/" + DomainName.key(primary) + "/");
    }

    static byte[] aliasDomainKey(String primary, String alias) {
        return utf8("alias-domain/" + DomainName.key(primary) + "/" + DomainName.key(alias));
    }

    static byte[] serviceKey(String service) {
        return utf8("service/" + lower(service));
    }

    static byte[] servicePrefix() {
        return utf8("service/");
    }

    static byte[] serviceDomainKey(String service, String domain) {
        return utf8("service-domain/" + lower(service) + "/" + DomainName.key(domain));
    }

    /** The index of every service's domains, or with a service's name, of that service's. */
    static byte[] serviceDomainPrefix(String service) {
        return utf8("service-domain/" + (service.isEmpty() ? "" : lower(service) + "/"));
    }

    /** The index of an address's Sieve scripts ({@link AddressSieve}). */
    static byte[] sieveKey(String domain, String localPart) {
        return utf8("sieve/" + DomainName.key(domain) + "/" + lower(localPart));
    }

    /**
     * A service's creations by CSV import. Before services, the key was the domain's; a domain then
     * becomes the service named after it, so its window carries over.
     */
    static byte[] importKey(String service) {
        return utf8("import/" + lower(service));
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    static <T> T parse(Parser<T> parser, byte[] bytes) {
        try {
            return parser.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("corrupt directory record: " + e.getMessage(), e);
        }
    }

    void onChangeWritten(Runnable listener) {
        changeWritten = listener;
    }

    void forgetCached() {
        cache.changed();
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
