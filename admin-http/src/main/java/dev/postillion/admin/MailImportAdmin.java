package dev.postillion.admin;

import dev.postillion.core.EmailAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the admin API needs of mailbox imports from other IMAP servers (SPEC section 7),
 * implemented by the mta module, which holds the IMAP client.
 */
public interface MailImportAdmin {

    /** The server and account to import from; {@code tls} is implicit, starttls or none. */
    record Request(String host, int port, String tls, String username, String password) {}

    /**
     * One import and its progress.
     *
     * @param state running, done or failed
     * @param foldersDone the source's folders read to the end, by their names there
     * @param failures why messages failed, in plain words (the first few)
     * @param error why the job failed as a whole, when it did
     */
    record Job(String id, String address, String host, int port, String tls, String username, String state,
            Instant started, Optional<Instant> finished, List<String> foldersDone, long copied, long skipped,
            long failed, List<String> failures, Optional<String> error) {}

    /**
     * An import from the same account into the same address is running: a second one would race
     * it for the same messages.
     */
    final class AlreadyRunning extends IllegalStateException {
        public AlreadyRunning(String message) {
            super(message);
        }
    }

    /**
     * Starts importing into the address's mailbox in the background; completes once the job is
     * recorded (it then runs to its end, on this node, resumed if the node stops), failing with
     * the directory's error when there is no such address, or with {@link AlreadyRunning}.
     *
     * @throws IllegalArgumentException naming what is wrong with the request
     */
    CompletionStage<Job> start(EmailAddress address, Request request);

    /** The address's job of that id, if there is one. */
    CompletionStage<Optional<Job>> job(EmailAddress address, String id);

    /** The address's jobs, oldest first. */
    CompletionStage<List<Job>> jobs(EmailAddress address);
}
