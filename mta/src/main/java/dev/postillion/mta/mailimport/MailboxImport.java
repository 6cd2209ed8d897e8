package dev.postillion.mta.mailimport;

import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mailbox.MailboxEdit.Refusal.Reason;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mta.mailimport.SourceMailbox.SourceFolder;
import dev.postillion.mta.mailimport.SourceMailbox.Summary;
import dev.postillion.mta.mailimport.proto.ImportJobRecord;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of an import job, as a stream: the source's folders, each folder's messages listed a
 * window at a time, each message read, checked against what the address was given before, and
 * appended through its mailbox actor as IMAP APPEND is, then the job's progress written. One
 * message at a time: the stream pulls the next only when the last one's append is answered, so
 * a job holds at most one message (within the node's message size limit) however large the
 * source. The IMAP client blocks; its calls run on the import dispatcher.
 */
final class MailboxImport {

    /** What became of one message, or of one folder. */
    private sealed interface Step {}

    /** Copied now; recorded for the next import of the same source. */
    private record Copied(ImportJobs.Imported imported) implements Step {}

    /** Given to the address before: by another job, or by this one from another folder or uid. */
    private record Skipped() implements Step {}

    /** Copied from this very place by this job before its node stopped: counted then. */
    private record CountedBefore() implements Step {}

    private record Failed(String reason) implements Step {}

    private record FolderDone(String name) implements Step {}

    private static final Logger log = LoggerFactory.getLogger(MailboxImport.class);

    private final ImportSource source;
    private final Mailboxes mailboxes;
    private final ImportJobs jobs;
    private final ImportSettings settings;
    private final Executor blocking;
    private final ClassicActorSystemProvider system;
    private final String address;
    private volatile ImportJobRecord job;

    MailboxImport(ImportJobRecord job, ImportSource source, Mailboxes mailboxes, ImportJobs jobs,
            ImportSettings settings, Executor blocking, ClassicActorSystemProvider system) {
        this.job = job;
        this.source = source;
        this.mailboxes = mailboxes;
        this.jobs = jobs;
        this.settings = settings;
        this.blocking = blocking;
        this.system = system;
        this.address = job.getAddress();
    }

    /** Runs the job to its end: completes with its last record, done or failed, never exceptionally. */
    CompletionStage<ImportJobRecord> run() {
        return call(() -> SourceMailbox.connect(source, settings))
                .thenCompose(mailbox -> copyAll(mailbox).whenCompleteAsync((copied, failure) -> mailbox.close(),
                        blocking))
                .handle((copied, failure) -> failure == null ? ended("done", "")
                        : ended("failed", reason(failure)));
    }

    private CompletionStage<ImportJobRecord> copyAll(SourceMailbox mailbox) {
        return mailboxes.edit(address, new MailboxEdit.Open()).thenCompose(opened -> call(mailbox::folders))
                .thenCompose(folders -> {
                    FolderMapping mapping = new FolderMapping(folders);
                    return Source.from(folders)
                            .filter(folder -> !job.getFoldersDoneList().contains(folder.name()))
                            .flatMapConcat(folder -> folder(mailbox, folder, mapping.ours(folder)))
                            .runWith(Sink.foldAsync(job, this::record), system);
                });
    }

    private Source<Step, ?> folder(SourceMailbox mailbox, SourceFolder folder, String ours) {
        int window = settings.listingWindow();
        return Source.completionStage(created(ours).thenCompose(made -> call(() -> mailbox.open(folder))))
                .flatMapConcat(count -> Source.unfoldAsync(1, next -> next > count
                        ? CompletableFuture.completedFuture(Optional.<Pair<Integer, List<Summary>>>empty())
                        : call(() -> Optional.of(Pair.create(next + window,
                                mailbox.summaries(next, Math.min(count, next + window - 1)))))))
                .mapConcat(summaries -> summaries)
                .mapAsync(1, summary -> copy(mailbox, folder, ours, summary))
                .concat(Source.lazySingle(() -> new FolderDone(folder.name())));
    }

    /** Our folder, made if it does not exist (INBOX and the special-use folders always do). */
    private CompletionStage<Void> created(String ours) {
        return mailboxes.edit(address, new MailboxEdit.CreateFolder(ours)).thenAccept(edited -> {
            if (!edited.succeeded() && edited.refusal().reason() != Reason.ALREADYEXISTS) {
                // Its messages are then refused one by one, each counted failed with this reason.
                log.info("Mail import {} for {}: folder {} cannot be made: {}", job.getId(), address, ours,
                        edited.refusal().text());
            }
        });
    }

    private CompletionStage<Step> copy(SourceMailbox mailbox, SourceFolder folder, String ours, Summary summary) {
        String which = "message " + summary.uid() + " of " + folder.name();
        if (summary.size() > settings.maxMessageSize()) {
            return CompletableFuture.completedFuture(tooLarge(which, summary.size()));
        }
        return call(() -> mailbox.content(summary.uid())).thenCompose(content -> {
            if (content.isEmpty()) {
                return CompletableFuture.completedFuture(new Failed(which + ": deleted on the source meanwhile"));
            }
            byte[] message = content.get();
            if (message.length > settings.maxMessageSize()) {
                return CompletableFuture.completedFuture(tooLarge(which, message.length));
            }
            if (message.length == 0) {
                return CompletableFuture.completedFuture(new Failed(which + ": empty"));
            }
            byte[] imported = ImportJobs.importedKey(address, message);
            String origin = String.join("\u0000", job.getId(), folder.name(), Long.toString(summary.uid()));
            return jobs.importedBy(imported).thenCompose(by -> by.isPresent()
                    ? CompletableFuture.completedFuture(by.get().equals(origin) ? new CountedBefore() : new Skipped())
                    : mailboxes.edit(address, new MailboxEdit.Append(ours, message, summary.flags(),
                            summary.internalDate())).thenApply(edited -> edited.succeeded()
                                    ? new Copied(new ImportJobs.Imported(imported, origin)) : new Failed(which + ": " + edited.refusal().text())));
        });
    }

    private Failed tooLarge(String which, long size) {
        return new Failed(which + ": its " + megabytes(size) + " are more than the " + megabytes(settings.maxMessageSize())
                + " this server takes");
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** Counts the step in the job's record and writes it, with the record of a copied message. */
    private CompletionStage<ImportJobRecord> record(ImportJobRecord current, Step step) {
        ImportJobRecord.Builder next = current.toBuilder();
        Optional<ImportJobs.Imported> imported = Optional.empty();
        if (step instanceof CountedBefore) {
            return CompletableFuture.completedFuture(current);
        } else if (step instanceof Copied copied) {
            next.setCopied(current.getCopied() + 1);
            imported = Optional.of(copied.imported());
        } else if (step instanceof Skipped) {
            next.setSkipped(current.getSkipped() + 1);
        } else if (step instanceof Failed failed) {
            next.setFailed(current.getFailed() + 1);
            if (current.getFailuresCount() < settings.failuresKept()) {
                next.addFailures(failed.reason());
            }
        } else if (step instanceof FolderDone done) {
            next.addFoldersDone(done.name());
        }
        ImportJobRecord written = next.build();
        return jobs.progress(written, imported).thenApply(ignored -> {
            job = written;
            return written;
        });
    }

    private ImportJobRecord ended(String state, String error) {
        return job.toBuilder().setState(state).setError(error).build();
    }

    private String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ImportFailure importFailure) {
            return importFailure.getMessage();
        }
        log.warn("Mail import {} for {} from {} failed", job.getId(), address, source.server(), cause);
        return "the import stopped on a fault of this server; the messages copied so far are kept, and starting"
                + " the import again copies the rest";
    }

    /** A blocking call of the IMAP client, on the import dispatcher. */
    private <T> CompletionStage<T> call(BlockingCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.run();
            } catch (ImportFailure e) {
                throw new CompletionException(e);
            }
        }, blocking);
    }

    @FunctionalInterface
    private interface BlockingCall<T> {
        T run() throws ImportFailure;
    }
}
