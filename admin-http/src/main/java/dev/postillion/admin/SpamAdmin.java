package dev.postillion.admin;

import java.util.concurrent.CompletionStage;

/**
 * What the admin API needs of the spam filter to learn from users' reports, implemented by the
 * mta module (ARCHITECTURE: small interfaces for what admin-http does not own).
 */
public interface SpamAdmin {

    /**
     * What the filter made of a report.
     *
     * @param reason why it did not learn (it knew the message already, too little text), empty when it did
     */
    record Learned(boolean learned, String reason) {}

    /** Whether the node has a filter to teach ({@code postillion.spam.rspamd.controller-url}). */
    boolean configured();

    /**
     * Teaches the filter that {@code message} is spam, or is not; answered off the caller's thread.
     * Fails when the filter cannot be reached or does not answer in time.
     */
    CompletionStage<Learned> learn(boolean spam, byte[] message);
}
