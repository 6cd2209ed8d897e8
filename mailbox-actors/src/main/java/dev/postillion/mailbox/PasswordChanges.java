package dev.postillion.mailbox;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who hears of the credentials the directory changes, passwords changed and app passwords revoked
 * ({@link Directory#onCredentialChanged}).
 */
final class PasswordChanges {

    private static final Logger log = LoggerFactory.getLogger(PasswordChanges.class);

    private final List<Consumer<CredentialChange>> listeners = new CopyOnWriteArrayList<>();

    void add(Consumer<CredentialChange> listener) {
        listeners.add(listener);
    }

    /** Tells every listener; the change is written, so a listener that fails must not make it look refused. */
    void announce(CredentialChange changed) {
        for (Consumer<CredentialChange> listener : listeners) {
            try {
                listener.accept(changed);
            } catch (RuntimeException e) {
                log.error("{}: a listener of password changes failed", changed.address(), e);
            }
        }
    }
}
