package dev.postillion.mta.mailimport;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import dev.postillion.admin.MailImportAdmin;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Store;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mta.mailimport.proto.ImportJobRecord;
import dev.postillion.mta.policy.dkim.MasterKey;
import dev.postillion.queue.Spool;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's mailbox imports from other IMAP servers (SPEC section 7): starts a job per request,
 * runs it in the background to its end ({@link MailboxImport}), resumes at start the jobs this
 * node was running when it stopped, and sends the address a confirmation when a job ends.
 *
 * <p>A job runs on the node that started it: its record names the node, which resumes it at its
 * next start. The source's password is kept for that, sealed with the node's master key, and
 * emptied when the job ends.
 */
public final class MailboxImports implements MailImportAdmin {

    /** What the imports use of the node. */
    public record Context(Store store, Directory directory, Mailboxes mailboxes, Spool spool, MasterKey masterKey,
            Clock clock, String nodeName, String hostname) {}

    private static final Logger log = LoggerFactory.getLogger(MailboxImports.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ActorSystem<?> system;
    private final Context context;
    private final ImportSettings settings;
    private final ImportJobs jobs;
    private final Executor blocking;
    /** Set when the node begins to stop: a job ending then was cut short by the stop, and is resumed. */
    private final AtomicBoolean stopping = new AtomicBoolean();

    private MailboxImports(ActorSystem<?> system, Context context, ImportSettings settings) {
        this.system = system;
        this.context = context;
        this.settings = settings;
        this.jobs = new ImportJobs(context.store());
        this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig(ImportSettings.DISPATCHER));
    }

    /** The imports of the node, resuming the jobs it was running when it stopped. */
    public static MailboxImports start(ActorSystem<?> system, Context context, Config postillion) {
        MailboxImports imports = new MailboxImports(system, context, ImportSettings.from(postillion));
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "stop-mail-imports",
                () -> {
                    imports.stopping.set(true);
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
        imports.jobs.running(context.nodeName()).whenComplete((running, failure) -> {
            if (failure != null) {
                log.error("The mail imports this node was running could not be read; they resume at its next start",
                        failure);
                return;
            }
            running.forEach(imports::resume);
        });
        return imports;
    }

    @Override
    public CompletionStage<Job> start(EmailAddress address, Request request) {
        ImportSource source = ImportSource.of(request);
        return context.directory().requireAddress(address).thenCompose(found -> jobs.jobs(address.key()))
                .thenCompose(existing -> {
                    refuseIfRunning(existing, source);
                    ImportJobRecord job = newJob(address.key(), source);
                    return jobs.create(job).thenApply(created -> {
                        log.info("Mail import {} for {} from {} as {} started", job.getId(), job.getAddress(),
                                source.server(), source.username());
                        run(job, source);
                        return view(job);
                    });
                });
    }

    /** Two jobs from one account into one address would race each other for the same messages. */
    private static void refuseIfRunning(List<ImportJobRecord> existing, ImportSource source) {
        existing.stream().filter(job -> job.getState().equals("running") && job.getHost().equals(source.host())
                && job.getPort() == source.port() && job.getUsername().equals(source.username())).findFirst()
                .ifPresent(running -> {
                    throw new AlreadyRunning("import " + running.getId() + " from " + source.server() + " as "
                            + source.username() + " is running; wait for its end");
                });
    }

    /** A running job of this node; its id begins with its start time, so that ids sort as jobs started. */
    private ImportJobRecord newJob(String address, ImportSource source) {
        Instant now = context.clock().instant();
        String id = HexFormat.of().toHexDigits(now.toEpochMilli()).substring(4)
                + HexFormat.of().toHexDigits(RANDOM.nextInt());
        return ImportJobRecord.newBuilder().setId(id).setAddress(address).setHost(source.host())
                .setPort(source.port()).setTls(source.tls().label()).setUsername(source.username())
                .setSealedPassword(ByteString.copyFrom(seal(id, address, source.password()))).setState("running")
                .setNode(context.nodeName()).setStartedMillis(now.toEpochMilli()).build();
    }

    @Override
    public CompletionStage<Optional<Job>> job(EmailAddress address, String id) {
        return jobs.job(address.key(), id).thenApply(job -> job.map(MailboxImports::view));
    }

    @Override
    public CompletionStage<List<Job>> jobs(EmailAddress address) {
        return jobs.jobs(address.key()).thenApply(list -> list.stream().map(MailboxImports::view).toList());
    }

    private void resume(ImportJobRecord job) {
        String password;
        try {
            password = new String(context.masterKey().open(job.getSealedPassword().toByteArray(),
                    associatedData(job.getId(), job.getAddress())), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            log.error("Mail import {} for {}: its password does not open with this node's master key", job.getId(),
                    job.getAddress());
            end(job.toBuilder().setState("failed").setError("the import could not be resumed after a restart of the"
                    + " server; start it again").build());
            return;
        }
        ImportJobRecord resumed = job.toBuilder().setResumed(job.getResumed() + 1).build();
        log.info("Mail import {} for {} resumed after the node's restart", job.getId(), job.getAddress());
        run(resumed, new ImportSource(job.getHost(), job.getPort(), ImportSource.Tls.of(job.getTls()),
                job.getUsername(), password));
    }

    private void run(ImportJobRecord job, ImportSource source) {
        new MailboxImport(job, source, context.mailboxes(), jobs, settings, blocking, system).run()
                .thenAccept(this::end);
    }

    /**
     * Writes the ended job, without its password, and spools its confirmation with that write:
     * the mail exists exactly when the record says the job ended (see {@link Spool#spoolWith}).
     */
    private void end(ImportJobRecord ended) {
        if (stopping.get()) {
            // Its mailbox or its store went away under it: the job stays running for the next start.
            log.info("Mail import {} for {} stopped with the node; it resumes at the node's next start", ended.getId(),
                    ended.getAddress());
            return;
        }
        Instant now = context.clock().instant();
        ImportJobRecord job = ended.toBuilder().setFinishedMillis(now.toEpochMilli())
                .setSealedPassword(ByteString.EMPTY).build();
        Spool.Outgoing confirmation = new Spool.Outgoing(ImportConfirmation.envelope(job, context.hostname(), now),
                ImportConfirmation.message(job, context.hostname(), now), MailImportFamilies.IMPORTS,
                ImportJobs.confirmationKey(job));
        context.spool().spoolWith(List.of(confirmation), () -> jobs.finish(job)).whenComplete((done, failure) -> {
            if (failure != null) {
                log.error("Mail import {} for {} ended ({}) but could not be recorded; it runs again at the node's"
                        + " next start", job.getId(), job.getAddress(), job.getState(), failure);
            } else {
                log.info("Mail import {} for {} {}: {} copied, {} skipped, {} failed{}", job.getId(), job.getAddress(),
                        job.getState(), job.getCopied(), job.getSkipped(), job.getFailed(),
                        job.getError().isEmpty() ? "" : ": " + job.getError());
            }
        });
    }

    private byte[] seal(String id, String address, String password) {
        return context.masterKey().seal(password.getBytes(StandardCharsets.UTF_8), associatedData(id, address));
    }

    /** Names what is sealed, so that a sealed password copied to another job's record does not open. */
    private static byte[] associatedData(String id, String address) {
        return ("mail-import " + address + " " + id).getBytes(StandardCharsets.UTF_8);
    }

    private static Job view(ImportJobRecord job) {
        return new Job(job.getId(), job.getAddress(), job.getHost(), job.getPort(), job.getTls(), job.getUsername(),
                job.getState(), Instant.ofEpochMilli(job.getStartedMillis()),
                job.getFinishedMillis() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(job.getFinishedMillis())),
                job.getFoldersDoneList(), job.getCopied(), job.getSkipped(), job.getFailed(), job.getFailuresList(),
                job.getError().isEmpty() ? Optional.empty() : Optional.of(job.getError()));
    }
}
