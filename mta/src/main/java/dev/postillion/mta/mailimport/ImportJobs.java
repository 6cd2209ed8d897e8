package dev.postillion.mta.mailimport;

import static dev.postillion.mta.mailimport.MailImportFamilies.IMPORTED;
import static dev.postillion.mta.mailimport.MailImportFamilies.IMPORTS;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.postillion.core.Keys;
import dev.postillion.core.MessageHeaders;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreException;
import dev.postillion.mta.mailimport.proto.ImportJobRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The import jobs' records and the record of what each address was given by imports, in the
 * shared store, so that a job survives its node's stop and a second import of the same source
 * skips what the first copied, on any node of a cluster.
 */
final class ImportJobs {

    /**
     * A message a job copied: its {@link #importedKey}, and where it came from (the job's id, the
     * source folder and the uid there, separated by NUL).
     */
    record Imported(byte[] key, String origin) {}

    /** More jobs than anyone starts for one mailbox; a listing shows at most these. */
    private static final int MAX_LISTED = 1000;

    private final Store store;

    ImportJobs(Store store) {
        this.store = store;
    }

    /** Records a new job as running on its node; durable before the operator hears of it. */
    CompletionStage<Void> create(ImportJobRecord job) {
        return store.commit(new StoreBatch().put(IMPORTS, jobKey(job), job.toByteArray())
                .put(IMPORTS, runningKey(job), new byte[0]), Durability.SYNC);
    }

    CompletionStage<Optional<ImportJobRecord>> job(String address, String id) {
        return store.read(IMPORTS, key('j', address, id)).thenApply(value -> value.map(ImportJobs::parse));
    }

    /** The address's jobs, oldest first (ids begin with their start time). */
    CompletionStage<List<ImportJobRecord>> jobs(String address) {
        return store.prefix(IMPORTS, key('j', address, ""), MAX_LISTED)
                .thenApply(entries -> entries.stream().map(entry -> parse(entry.value())).toList());
    }

    /** The jobs that were running on {@code node} when it stopped. */
    CompletionStage<List<ImportJobRecord>> running(String node) {
        byte[] prefix = key('r', node, "");
        return store.keys(IMPORTS, prefix, Keys.prefixEnd(prefix), MAX_LISTED).thenCompose(keys -> {
            List<CompletableFuture<Optional<ImportJobRecord>>> reads = keys.stream().map(runningKey -> {
                String[] parts = new String(runningKey, 1, runningKey.length - 1, StandardCharsets.UTF_8)
                        .split("\u0000");
                return job(parts[1], parts[2]).toCompletableFuture();
            }).toList();
            // Every read has completed when allOf does: join() then takes its value without waiting.
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(all -> reads.stream()
                    .map(CompletableFuture::join).flatMap(Optional::stream).toList());
        });
    }

    /** Where the message with this {@link #importedKey} was copied from, if an import gave it to the address. */
    CompletionStage<Optional<String>> importedBy(byte[] importedKey) {
        return store.read(IMPORTED, importedKey).thenApply(value -> value.map(v -> new String(v, StandardCharsets.UTF_8)));
    }

    /**
     * Writes the job's progress, with the record of the message it just copied if it did: one
     * batch, so that a resumed job counts each message once. Not synced: a later synced write
     * makes it durable, and a message copied again after a crash is the worst a lost one costs.
     */
    CompletionStage<Void> progress(ImportJobRecord job, Optional<Imported> copied) {
        StoreBatch batch = new StoreBatch().put(IMPORTS, jobKey(job), job.toByteArray());
        copied.ifPresent(imported -> batch.put(IMPORTED, imported.key(),
                imported.origin().getBytes(StandardCharsets.UTF_8)));
        return store.commit(batch, Durability.BUFFERED);
    }

    /**
     * The ended job's last write: its record, no longer running, and the mark that proves the
     * write landed, which its confirmation waits for ({@link #confirmationKey}).
     */
    CompletionStage<Void> finish(ImportJobRecord job) {
        return store.commit(new StoreBatch().put(IMPORTS, jobKey(job), job.toByteArray())
                .delete(IMPORTS, runningKey(job)).put(IMPORTS, confirmationKey(job), new byte[0]), Durability.SYNC);
    }

    static byte[] confirmationKey(ImportJobRecord job) {
        return key('c', job.getAddress(), job.getId());
    }

    /**
     * What makes a message the same as one imported before: its Message-ID and its content
     * together. The Message-ID alone is not enough (two messages can share one, by a sender's
     * bug or on purpose), and a message without one is known by its content alone.
     */
    static byte[] importedKey(String address, byte[] content) {
        String messageId = MessageHeaders.parse(content).first("Message-ID").map(String::strip).orElse("");
        ByteArrayOutputStream key = new ByteArrayOutputStream();
        key.writeBytes(address.getBytes(StandardCharsets.UTF_8));
        key.write(0);
        key.writeBytes(sha256(messageId.getBytes(StandardCharsets.UTF_8)));
        key.writeBytes(sha256(content));
        return key.toByteArray();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static byte[] jobKey(ImportJobRecord job) {
        return key('j', job.getAddress(), job.getId());
    }

    private static byte[] runningKey(ImportJobRecord job) {
        return key('r', job.getNode() + "\u0000" + job.getAddress(), job.getId());
    }

    private static byte[] key(char kind, String first, String second) {
        return (kind + first + "\u0000" + second).getBytes(StandardCharsets.UTF_8);
    }

    private static ImportJobRecord parse(byte[] value) {
        try {
            return ImportJobRecord.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StoreException("unreadable import job record", e);
        }
    }
}
