package dev.postillion.queue.outbound;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The conversation with a server ended before a reply came: the connection was lost, the server
 * was too slow, or its reply could not be read. The connection is closed; the message says what
 * happened in Postfix's words, for the log and reports.
 */
final class ConversationBroken extends IOException {

    private static final long serialVersionUID = 1L;

    private ConversationBroken(String message) {
        super(message);
    }

    /** The broken conversation behind a failed stage, if that is what failed it. */
    static Optional<ConversationBroken> in(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause instanceof ConversationBroken broken ? Optional.of(broken) : Optional.empty();
    }

    static ConversationBroken lost(RemoteServer server, Step step) {
        return new ConversationBroken("lost connection with " + server + (step == null ? "" : " while " + step.activity));
    }

    static ConversationBroken timedOut(RemoteServer server, Step step) {
        return new ConversationBroken("conversation with " + server + " timed out while " + step.activity);
    }

    /**
     * The TLS handshake after STARTTLS failed, or timed out.
     *
     * @param why in stable words, for reports: never the TLS library's text, which names its classes
     */
    static ConversationBroken tlsFailed(RemoteServer server, String why) {
        return new ConversationBroken("TLS handshake with " + server + " failed: " + why);
    }

    static ConversationBroken unreadable(RemoteServer server, Step step, String problem) {
        return new ConversationBroken("unreadable reply from " + server
                + (step == null ? "" : " while " + step.activity) + ": " + problem);
    }
}
